"""The OpenAI-compatible server's event stream, read without a server."""

import pytest

from chatbot.errors import ModelError
from chatbot.remote import _sse


def test_events_are_read_up_to_done():
    lines = [": keep-alive", 'data: {"choices": [{"delta": {"content": "Bon"}}]}', "",
             'data: {"choices": [{"delta": {"content": "jour"}}]}', "data: [DONE]", 'data: {"late": 1}']
    assert [e["choices"][0]["delta"]["content"] for e in _sse(iter(lines))] == ["Bon", "jour"]


def test_a_malformed_event_is_an_error_not_a_silent_gap():
    with pytest.raises(ModelError, match="not JSON"):
        list(_sse(iter(['data: {"choices": [', "data: [DONE]"])))
