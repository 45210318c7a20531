"""Every adapter satisfies the Protocol the rest of the code speaks to (protocols.py)."""

import pytest

from chatbot.protocols import ChatModel, Embedder, ReadsAhead, Searcher, Store


def test_the_remote_model_is_a_chat_model():
    from chatbot.remote import RemoteModel

    model = RemoteModel("http://127.0.0.1:9/v1", model="un-modele")  # nothing is asked of it
    try:
        assert isinstance(model, ChatModel)
        assert not isinstance(model, ReadsAhead)  # its server keeps its own prompt cache
    finally:
        model.close()


@pytest.mark.model
def test_the_loaded_parts_are_what_the_engine_expects(seeded_app, embedder):
    from chatbot.llm import LlamaModel
    from chatbot.retrieve import Retriever
    from chatbot.store import ChromaStore

    assert isinstance(seeded_app.model(), LlamaModel) and isinstance(seeded_app.model(), ChatModel)
    assert isinstance(seeded_app.model(), ReadsAhead)
    assert isinstance(embedder, Embedder) and isinstance(seeded_app.embedder(), Embedder)
    assert isinstance(seeded_app.retriever(), Retriever) and isinstance(seeded_app.retriever(), Searcher)
    assert isinstance(seeded_app.store(), ChromaStore) and isinstance(seeded_app.store(), Store)
