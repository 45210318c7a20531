"""The llama-cpp-python adapter: the only module that imports llama_cpp.

The chat template is read from the GGUF file and rendered here, so we know the exact prompt
tokens: how many there are (context check), and how many llama.cpp must really evaluate after
reusing the prefix it already holds (the fixed instructions are evaluated once per loaded model).
One Llama context cannot serve two requests at once: callers hold `lock` while generating.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.domain import GenStats, Turn
from chatbot.errors import ModelError
from chatbot.gguf import GGUFInfo, read_info

if TYPE_CHECKING:
    from chatbot.protocols import Stoppable


def gpu_build() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


_PARAMS_LOCK = threading.Lock()


@contextlib.contextmanager
def _model_params(*, repack: bool) -> Iterator[None]:
    """Model parameters that `Llama()` does not expose, set while one model loads.

    `use_extra_bufts` is llama.cpp's CPU weight repacking: it copies the weights into an
    interleaved layout and keeps the memory-mapped file too. Measured on 2 AVX2 cores with the
    1.5B Q4_K_M: +600 MiB resident, load 1.2 s instead of 0.4 s, the same 62 prompt tokens/s.
    """
    import llama_cpp.llama_cpp as C

    with _PARAMS_LOCK:
        default = C.llama_model_default_params

        def params() -> Any:
            p = default()
            p.use_extra_bufts = repack
            return p

        C.llama_model_default_params = params
        try:
            yield
        finally:
            C.llama_model_default_params = default


# llama.cpp on the CPU computes a batch of fewer than 8 tokens with other kernels than a larger
# one, and the results differ in the last bits (measured on AVX-512: the same prompt's logits are
# equal whatever its split into batches of 8 or more; one batch of 1-7 moves them by up to 0.6).
# At temperature 0 that can turn a near-tie, so the prompt is only ever read in batches of 8 or
# more, and a cached token is reused only when it was read so: an answer is then the same
# whatever was read before it (another question, or the same one while it was typed).
MIN_BATCH = 8


def _set_abort(ctx: Any, callback: Any) -> None:
    """llama.cpp's abort check for a context (None: none), which llama-cpp-python does not bind."""
    import ctypes

    import llama_cpp

    fn = llama_cpp.llama_cpp._lib.llama_set_abort_callback
    fn.argtypes = [ctypes.c_void_p, llama_cpp.ggml_abort_callback, ctypes.c_void_p]
    fn.restype = None
    fn(ctx, callback or llama_cpp.ggml_abort_callback(), None)


def _shared(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens two token lists have in common."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class LlamaModel:
    """A GGUF chat model in process."""

    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int = 4096,
        n_threads: int = 2,
        n_threads_batch: int = 2,
        n_batch: int = 512,
        flash_attn: bool = False,
        n_gpu_layers: int = -2,
        seed: int = 0,
        repack: bool = False,
    ) -> None:
        self.info: GGUFInfo = read_info(path)
        if not self.info.is_chat:
            raise ModelError(
                f"{path.name} has no chat template in its metadata: it is not a chat model. "
                "Use an instruct/chat GGUF."
            )
        import llama_cpp

        self.warning = ""
        gpu = gpu_build()
        if n_gpu_layers == -2:
            n_gpu_layers = -1 if gpu else 0
        elif n_gpu_layers != 0 and not gpu:
            self.warning = (
                "GPU layers were asked for, but this llama-cpp-python build is CPU-only: running "
                "on the CPU. Rebuild it with CMAKE_ARGS=\"-DGGML_CUDA=on\" to use the GPU."
            )
            n_gpu_layers = 0
        self.on_gpu = gpu and n_gpu_layers != 0
        if self.info.context_length:
            n_ctx = min(n_ctx, self.info.context_length)
        self.path = path
        self.n_ctx = n_ctx
        try:
            with _model_params(repack=repack):
                self._llm = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=n_threads,
                    n_threads_batch=n_threads_batch,
                    n_batch=n_batch,
                    n_ubatch=n_batch,
                    flash_attn=flash_attn,
                    n_gpu_layers=n_gpu_layers,
                    seed=seed,
                    verbose=False,
                )
        except (ValueError, RuntimeError, OSError) as e:
            raise ModelError(f"llama.cpp could not load {path.name}: {e}. Is the file complete?") from e
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self._formatter = Jinja2ChatFormatter(
            template=self.info.chat_template,
            eos_token=self._token_text(self._llm.token_eos()),
            bos_token=self._token_text(self._llm.token_bos()),
        )
        self.lock = threading.Lock()
        self._exact = 0  # the cached tokens before this one were all read in batches of MIN_BATCH or more
        self._logits_at = -1  # the cached tokens whose last one's logits llama.cpp holds (after a read)
        self._reading: list[int] = []  # the tokens held once the batch being read ahead is done

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llm.detokenize([token], special=True).decode("utf-8", errors="ignore")

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            llm.close()
            self._llm = None  # type: ignore[assignment]  # closed: any further use is an error

    @property
    def name(self) -> str:
        return self.path.name

    def render(self, messages: Sequence[Turn]) -> tuple[str, list[str]]:
        """The prompt text per the model's own chat template, and its stop strings.

        Some templates (Mistral's) refuse a system role; the system text then opens the
        first user turn instead.
        """
        msgs: list[Any] = [{"role": m.role, "content": self.defuse(m.content)} for m in messages]
        try:
            res = self._formatter(messages=msgs)
        except Exception:  # a template's raise_exception() surfaces as a plain Exception
            if not msgs or msgs[0]["role"] != "system":
                raise
            system, rest = msgs[0]["content"], msgs[1:]
            if rest and rest[0]["role"] == "user":
                rest[0] = {"role": "user", "content": f"{system}\n\n{rest[0]['content']}"}
            res = self._formatter(messages=rest)
        stop = res.stop if isinstance(res.stop, list) else [res.stop] if res.stop else []
        return res.prompt, stop

    def defuse(self, text: str) -> str:
        """Text that cannot become the template's control tokens.

        The rendered prompt is tokenized with special tokens parsed (the template needs them),
        so a document holding `<|im_start|>system` would otherwise open a real system turn.
        Any special token's text found in content gets a zero-width space after its first
        character: the model reads the same characters, never the control token.
        """
        llm = getattr(self, "_llm", None)
        if llm is None:  # no vocabulary loaded (closed): nothing will be tokenized either
            return text
        raw = text.encode("utf-8")
        plain = llm.tokenize(raw, add_bos=False, special=False)
        parsed = llm.tokenize(raw, add_bos=False, special=True)
        if plain == parsed:
            return text
        import llama_cpp

        kinds = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED
        special = {self._token_text(t) for t in set(parsed) - set(plain)
                   if llm._model.token_get_attr(t) & kinds}
        for s in sorted((s for s in special if len(s) > 1), key=len, reverse=True):
            text = text.replace(s, s[0] + "\u200b" + s[1:])
        return text

    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _held(self) -> list[int]:
        """The tokens whose state llama.cpp holds now."""
        return list(self._llm._input_ids[: self._llm.n_tokens])

    def _read(self, tokens: Sequence[int], start: int) -> None:
        """Evaluate tokens[start:] after the cached tokens[:start] in one batch (of MIN_BATCH or
        more, unless the prompt is shorter)."""
        self._llm.n_tokens = start
        self._exact = min(self._exact, start)
        self._logits_at = -1
        self._llm.eval(list(tokens[start:]))
        if len(tokens) - start >= MIN_BATCH:
            self._exact = len(tokens)
        self._logits_at = len(tokens)

    def cached_prefix(self, tokens: Sequence[int]) -> int:
        """How many of `tokens` can be taken from the cache: held, read in large batches, and
        leaving at least MIN_BATCH to read (see MIN_BATCH); all of them when the whole prompt
        was read so and its last token's logits are still there (read ahead: nothing is left)."""
        n = min(_shared(self._held(), tokens), self._exact)
        if n == len(tokens) == self._llm.n_tokens == self._logits_at:
            return n
        return max(0, min(n, len(tokens) - MIN_BATCH))

    def prefill(self, prompt: str, reading: Stoppable, *, batch: int = 64) -> tuple[int, int]:
        """Evaluate the tokens of `prompt` (a whole prompt, as a question sent now would have
        it) ahead of the question, `batch` at a time, until `reading` is stopping (then after
        the batch in progress) or abandoned (then at once, the batch in progress dropped: see
        `ahead.Reading`). Hold `lock`.

        What is held already is kept; what differs is dropped first. Every batch has `batch`
        tokens or more (MIN_BATCH at least), so that a prompt read to its end needs nothing more
        read when it is sent, and answers as it would without reading ahead. A batch abandoned
        is dropped by llama.cpp: the cache then ends where it began. Returns (tokens reused,
        tokens evaluated).
        """
        if self._llm is None:
            return 0, 0
        tokens = self.tokenize(prompt)
        start = self.cached_prefix(tokens)
        done = start
        with self._abortable(lambda: reading.abandoned):
            while done < len(tokens) and not reading.stopping:
                # the last batch takes the rest: a batch smaller than `batch` reads slower
                end = done + batch if len(tokens) - done >= 2 * batch else len(tokens)
                self._reading = list(tokens[:end])
                try:
                    self._read(tokens[:end], done)
                except RuntimeError:  # llama_decode's "aborted", unless it was not asked for
                    if not reading.abandoned:
                        raise
                    self._llm.n_tokens = done
                    break
                finally:
                    self._reading = []
                done = end
        return start, done - start

    def reading_into(self, messages: Sequence[Turn]) -> bool:
        """Whether the batch being read ahead now ends inside the prompt of `messages` (it is
        the beginning of its tokens): finishing it is then not wasted on that prompt. Needs no
        lock; renders nothing when no batch is being read."""
        reading = self._reading
        if not reading or self._llm is None:
            return False
        return self.tokenize(self.render(messages)[0])[:len(reading)] == reading

    @contextlib.contextmanager
    def _abortable(self, abandoned: Callable[[], bool]) -> Iterator[None]:
        """llama.cpp asks `abandoned()` between the steps of a batch while this is in force."""
        import llama_cpp

        @llama_cpp.ggml_abort_callback
        def check(_: Any) -> bool:
            return abandoned()

        quiet = logging.getLogger("llama-cpp-python")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)  # a stopped batch is logged by llama.cpp as an error
        _set_abort(self._llm.ctx, check)
        try:
            yield
        finally:
            _set_abort(self._llm.ctx, None)
            quiet.setLevel(level)

    def prime(self, system: str) -> int:
        """Evaluate once what every prompt opens with: the system turn and the template's text up
        to the user's words. Even the first question then pays only for its own tokens. Hold
        `lock`. Returns the number of tokens held.
        """
        a = self.tokenize(self.render([Turn("system", system), Turn("user", "a")])[0])
        b = self.tokenize(self.render([Turn("system", system), Turn("user", "b")])[0])
        n = _shared(a, b)
        if n and min(_shared(self._held(), a), self._exact) < n:
            self._llm.reset()
            self._read(a[:n], 0)
        return n

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
        """Yield the answer's text as it is generated. Hold `lock` while iterating.

        `prefix` opens the answer (it is yielded first): the model continues from it. With `alt`,
        `stats.alt_p` is the probability the model gave to alt's first token where the answer
        begins (what it thought of writing instead): the prompt is evaluated here, and the
        completion then samples from the same logits without evaluating anything again.
        """
        stats = stats if stats is not None else GenStats()
        if self._llm is None:
            raise ModelError(f"{self.name} was unloaded (another model was loaded); ask again.")
        prompt, stop = self.render(messages)
        tokens = self.tokenize(prompt + prefix)
        if len(tokens) + 16 > self.n_ctx:
            raise ModelError(
                f"the prompt needs {len(tokens)} tokens but the model's context holds {self.n_ctx}. "
                "Ask a shorter question, use fewer passages, or raise CHATBOT_N_CTX."
            )
        max_tokens = min(max_tokens, self.n_ctx - len(tokens))
        start = self.cached_prefix(tokens)
        stats.prompt_tokens = len(tokens)
        stats.evaluated_tokens = len(tokens) - start
        t0 = time.perf_counter()
        # the prompt is read here, by the rule of MIN_BATCH (nothing when it was all read ahead);
        # the completion finds it all held and samples from the logits of its last token
        if start < len(tokens):
            self._read(tokens, start)
        if alt and not prefix:
            stats.alt_p = self._first_token_p(alt)
        first = None
        pieces: Any = self._llm.create_completion(
            tokens,
            max_tokens=max_tokens,
            temperature=temperature,
            top_k=1 if temperature == 0 else 40,
            seed=seed,
            stop=stop,
            stream=True,
        )
        if prefix:
            yield prefix
        try:
            for piece in pieces:
                text = piece["choices"][0]["text"]
                if first is None:
                    first = time.perf_counter()
                    stats.ttft_ms = (first - t0) * 1000
                if text:
                    yield text
        finally:
            pieces.close()
            self._exact = min(self._exact, len(tokens) - 1)  # the last one, and the answer: one by one
            self._logits_at = -1
            end = time.perf_counter()
            stats.gen_tokens = max(self._llm.n_tokens - len(tokens), 0)
            stats.gen_ms = (end - (first or end)) * 1000

    def _first_token_p(self, text: str) -> float:
        """P(text's first token next), from the logits of the prompt just read."""
        import llama_cpp
        import numpy as np

        n_vocab = self._llm.n_vocab()
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self._llm.ctx, -1), shape=(n_vocab,))
        z = logits.astype(np.float64) - float(logits.max())
        want = self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)[0]
        return float(np.exp(z[want]) / np.exp(z).sum())

    def complete(self, messages: Sequence[Turn], *, max_tokens: int, temperature: float = 0.0) -> str:
        """The whole answer at once (used for short internal prompts)."""
        return "".join(self.stream(messages, max_tokens=max_tokens, temperature=temperature))

    def eval_time(self, tokens: Sequence[int], *, start: int = 0) -> float:
        """Raw llama.cpp time (ms) to evaluate tokens[start:] after tokens[:start] (untimed)."""
        self._llm.reset()  # eval() then drops the cached positions from n_tokens on
        self._exact = 0
        if start:
            self._read(tokens[:start], 0)
        t0 = time.perf_counter()
        self._read(tokens, start)
        return (time.perf_counter() - t0) * 1000
