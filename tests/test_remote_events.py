"""The OpenAI-compatible server's event stream, read without a server."""

import pytest

from chatbot.errors import ModelError
from chatbot.remote import _sse


def _texts(lines):
    return [e["choices"][0]["delta"]["content"] for e in _sse(iter(lines))]


def test_events_are_read_up_to_done():
    lines = [": keep-alive", 'data: {"choices": [{"delta": {"content": "Bon"}}]}', "",
             'data: {"choices": [{"delta": {"content": "jour"}}]}', "", "data: [DONE]", "",
             'data: {"late": 1}', ""]
    assert _texts(lines) == ["Bon", "jour"]


def test_events_without_blank_lines_between_them_are_each_read():
    lines = ['data: {"choices": [{"delta": {"content": "a"}}]}',
             'data:{"choices": [{"delta": {"content": "b"}}]}', "data: [DONE]"]
    assert _texts(lines) == ["a", "b"]


def test_an_event_over_several_data_lines_is_joined():
    lines = ["event: message", "id: 7", 'data: {"choices": [{"delta":', 'data:  {"content": "Bon\\njour"}}]}',
             "", "data: [DONE]", ""]
    assert _texts(lines) == ["Bon\njour"]


def test_windows_line_ends_are_read():
    assert _texts(['data: {"choices": [{"delta": {"content": "x"}}]}\r', "\r", "data: [DONE]\r"]) == ["x"]


def test_a_malformed_event_is_an_error_not_a_silent_gap():
    with pytest.raises(ModelError, match="not JSON"):
        list(_sse(iter(['data: {"choices": [', "", "data: [DONE]"])))


def test_a_stream_cut_inside_an_event_is_an_error():
    with pytest.raises(ModelError, match="not JSON"):
        list(_sse(iter(['data: {"choices": [{"delta": {"content": "Bon"}}]}', "", 'data: {"choi'])))
