"""Models: swapping by path, and clear errors for files that are not usable models."""

import shutil

import pytest

from chatbot.errors import ModelError
from chatbot.gguf import read_info
from conftest import SMALL_LLM

pytestmark = pytest.mark.model


def test_header_is_read_without_loading(tmp_path):
    info = read_info(SMALL_LLM)
    assert (info.architecture, info.quantization) == ("qwen2", "Q4_K_M")
    assert info.context_length == 32768 and info.is_chat


@pytest.mark.parametrize(("content", "message"), [
    (b"", "not a GGUF"),
    (b"hello world, not a model", "not a GGUF"),
    (None, "truncated or corrupt"),  # the real file, cut short
])
def test_unusable_files_are_named(tmp_path, content, message):
    bad = tmp_path / "bad.gguf"
    if content is None:
        with SMALL_LLM.open("rb") as f:
            bad.write_bytes(f.read(100_000))
    else:
        bad.write_bytes(content)
    with pytest.raises(ModelError, match=message):
        read_info(bad)


def test_missing_model_says_how_to_get_one(tmp_path):
    with pytest.raises(ModelError, match="not found.*models pull"):
        read_info(tmp_path / "nope.gguf")


def test_a_gguf_without_chat_template_is_refused(tmp_path):
    from chatbot.llm import LlamaModel

    head = 20_000_000
    with SMALL_LLM.open("rb") as f:
        src = f.read(head)
    key = b"tokenizer.chat_template"
    pos = src.find(key)
    assert pos > 0
    stripped = tmp_path / "nochat.gguf"
    # rename the key in place (same length), so the file no longer has a chat template
    stripped.write_bytes(src[:pos] + b"tokenizer.chat_templatX" + src[pos + len(key):])
    with open(SMALL_LLM, "rb") as f:
        f.seek(head)
        with open(stripped, "ab") as out:
            shutil.copyfileobj(f, out)
    with pytest.raises(ModelError, match="not a chat model"):
        LlamaModel(stripped, n_ctx=512)


def test_model_swap_by_path(seeded_app, tmp_path):
    copy = tmp_path / "my-model.gguf"
    copy.symlink_to(SMALL_LLM)
    engine_before = seeded_app.engine()
    seeded_app.switch_model(copy)
    try:
        a = seeded_app.engine().ask("Qui est le directeur technologique d'Alibaba Cloud ?")
        assert a.model == str(copy) and "Jingren Zhou" in a.answer
        assert seeded_app.engine() is not engine_before
    finally:
        seeded_app.switch_model(SMALL_LLM)


def test_a_failed_swap_keeps_the_current_model(seeded_app, tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 8)
    current = seeded_app.model()
    with pytest.raises(ModelError):
        seeded_app.switch_model(bad)
    assert seeded_app.model() is current


MISTRAL_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}"
)


def test_a_template_that_refuses_a_system_role_still_works():
    """Mistral's template raises on a system message: the instructions join the first user turn."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    from chatbot.domain import Turn
    from chatbot.llm import LlamaModel

    model = LlamaModel.__new__(LlamaModel)  # only the template matters here
    model._formatter = Jinja2ChatFormatter(template=MISTRAL_TEMPLATE, eos_token="</s>", bos_token="<s>")
    prompt, _ = model.render([Turn("system", "Réponds en français."), Turn("user", "Bonjour ?")])
    assert prompt == "<s>[INST] Réponds en français.\n\nBonjour ? [/INST]"


def test_gpu_layers_on_a_cpu_build_are_reported(seeded_app):
    from chatbot.llm import LlamaModel, gpu_build

    if gpu_build():
        pytest.skip("this llama-cpp-python build has GPU support")
    m = LlamaModel(SMALL_LLM, n_ctx=512, n_gpu_layers=99)
    try:
        assert not m.on_gpu and "CPU-only" in m.warning and "GGML_CUDA" in m.warning
    finally:
        m.close()


def test_context_size_comes_from_settings_capped_by_the_model():
    from chatbot.llm import LlamaModel

    m = LlamaModel(SMALL_LLM, n_ctx=100_000)
    try:
        assert m.n_ctx == 32768  # the model's own limit, never llama-cpp-python's default of 512
    finally:
        m.close()
