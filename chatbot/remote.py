"""A chat model behind an OpenAI-compatible server (llama.cpp's server, `python -m
llama_cpp.server`, vLLM, Ollama): the same interface as `LlamaModel`, over HTTP with streaming.

Only the URL the user configured is ever contacted. The server applies its own chat template,
so prompt tokens are what the server reports (`usage`), and the prefix cache is the server's.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from itertools import chain

from chatbot.domain import GenStats, Turn
from chatbot.errors import ModelError

TIMEOUT_S = 600.0  # a long answer on a slow CPU server


class RemoteModel:
    """An OpenAI-compatible /v1 endpoint. `model` "" takes the first the server lists."""

    on_gpu = False  # unknown from here; the page says "serveur"
    remote = True

    def __init__(self, url: str, *, model: str = "", api_key: str = "", timeout: float = TIMEOUT_S) -> None:
        import httpx

        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=self.url, headers=headers,
                                  timeout=httpx.Timeout(timeout, connect=5.0), trust_env=False)
        self.model_id = model or self._first_model()
        self.path = f"{self.url} ({self.model_id})"
        self.name = self.model_id
        self.warning = ""
        # requests from this process go one at a time, like the in-process model: the server
        # may batch several clients, but one user's answers should not compete with each other
        self.lock = threading.Lock()

    def prime(self, system: str) -> int:
        """Nothing to do here: the server keeps its own prompt cache."""
        return 0

    def _first_model(self) -> str:
        try:
            r = self._http.get("/models")
            r.raise_for_status()
            data = r.json().get("data") or []
        except Exception as e:  # httpx errors, bad JSON: all mean "no usable server there"
            raise ModelError(
                f"no OpenAI-compatible model server answers at {self.url} ({_reason(e)}). "
                "Start it, or unset CHATBOT_LLM_URL to use the local GGUF model."
            ) from e
        if not data:
            raise ModelError(f"the model server at {self.url} lists no model; load one there.")
        return str(data[0].get("id", ""))

    def close(self) -> None:
        self._http.close()

    def stream(
        self,
        messages: Sequence[Turn],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        seed: int = 0,
        stats: GenStats | None = None,
        prefix: str = "",
        alt: str = "",
    ) -> Iterator[str]:
        """Yield the answer's text as the server streams it.

        A chat API cannot continue a started answer, so `prefix` is yielded first and the
        model is asked to answer in French; a prefix the model repeats is dropped. `alt` is
        not measured here (`stats.alt_p` stays None): the rules alone check the answer.
        """
        stats = stats if stats is not None else GenStats()
        msgs = [{"role": m.role, "content": m.content} for m in messages]
        if prefix and msgs:
            msgs[-1] = {**msgs[-1], "content": msgs[-1]["content"] + "\n\nRéponds en français."}
        body = {
            "model": self.model_id, "messages": msgs, "max_tokens": max_tokens,
            "temperature": temperature, "seed": seed, "stream": True,
            "stream_options": {"include_usage": True},
        }
        t0 = time.perf_counter()
        first = None
        n_chunks = 0
        if prefix:
            yield prefix
        head: str | None = ""  # the first characters, held until we know whether they repeat the prefix
        try:
            with self._http.stream("POST", "/chat/completions", json=body) as r:
                if r.status_code != 200:
                    r.read()
                    raise ModelError(f"the model server at {self.url} answered {r.status_code}: "
                                     f"{r.text[:300]}")
                for event in _sse(r.iter_lines()):
                    usage = event.get("usage")
                    if usage:
                        stats.prompt_tokens = int(usage.get("prompt_tokens") or 0)
                        stats.evaluated_tokens = stats.prompt_tokens
                        stats.gen_tokens = int(usage.get("completion_tokens") or 0)
                    for choice in event.get("choices") or []:
                        text = (choice.get("delta") or {}).get("content") or ""
                        if not text:
                            continue
                        if first is None:
                            first = time.perf_counter()
                            stats.ttft_ms = (first - t0) * 1000
                        n_chunks += 1
                        if prefix and head is not None:
                            head += text
                            if len(head) < len(prefix):
                                continue
                            text = head[len(prefix):] if head.startswith(prefix) else head
                            head = None
                        yield text
            if head:
                yield head
        except ModelError:
            raise
        except Exception as e:
            raise ModelError(f"the model server at {self.url} failed mid-answer ({_reason(e)}).") from e
        finally:
            end = time.perf_counter()
            stats.gen_ms = (end - (first or end)) * 1000
            if not stats.gen_tokens:
                stats.gen_tokens = n_chunks

    def complete(self, messages: Sequence[Turn], *, max_tokens: int, temperature: float = 0.0) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, temperature=temperature))


def _sse(lines: Iterator[str]) -> Iterator[dict]:
    """The JSON events of a server-sent-events stream, up to `data: [DONE]`.

    An event's data may span several `data:` lines (joined by newlines, as the format says); it
    is complete at a blank line, or as soon as what it holds reads as JSON (servers that leave
    out the blank line). Comments and other fields (`event:`, `id:`) are skipped; data that is
    still not JSON when its event ends is an error, never dropped.
    """
    held: list[str] = []
    for line in chain(lines, [""]):
        line = line.rstrip("\r")
        if not line:
            if held:
                raise ModelError("the model server sent an event that is not JSON: "
                                 f"{chr(10).join(held)[:120]!r}")
            continue
        name, _, value = line.partition(":")
        if name != "data":
            continue  # a comment (": keep-alive"), event:, id:, retry:
        held.append(value[1:] if value.startswith(" ") else value)
        data = "\n".join(held)
        if data.strip() == "[DONE]":
            return
        try:
            event = json.loads(data)
        except ValueError:
            continue  # more lines of the same event to come
        held = []
        if isinstance(event, dict):
            yield event


def _reason(e: Exception) -> str:
    return str(e) or type(e).__name__
