"""The verifier: a cross-encoder that reads (sentence, claim) and says entailment, neutral or
contradiction.

It is the project's own model (``python -m lab train-verifier``, docs/verifier.md): MiniLM-L6
fine-tuned on licensed entailment data, shipped in this package as an int8 ONNX file with its
tokenizer and a manifest holding both files' sha256, run by onnxruntime. Nothing is downloaded:
a missing or altered file is an error that names the file, never a silent fallback to the
lexical rules. ``PROVENANCE_VERIFIER=on`` turns it on; it is off by default until it beats the
lexical rules on held-out claims (docs/quality.md, "The verifier").
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.errors import ProvenanceError
from index.models.runtime import file_sha256, off_the_event_loop, switch

FOLDER = Path(__file__).with_name("verifier_model")
ENTAILMENT, NEUTRAL, CONTRADICTION = 0, 1, 2
#: Pairs per model run; sorted by length first, so a batch pads little.
BATCH = 32
#: Readings kept per process: a claim asked again reads nothing twice.
CACHE_SIZE = 50_000
#: The lab reads whole data sets; its runs keep every reading.
LAB_CACHE_SIZE = 1_000_000


class VerifierUnavailable(ProvenanceError):
    """The verifier was asked for but cannot be loaded; the message says which file and why."""


#: Whether the verifier judges when ``PROVENANCE_VERIFIER`` is not set.
DEFAULT = "off"


def wanted(env: dict[str, str] | None = None) -> bool:
    """Whether ``PROVENANCE_VERIFIER`` asks for the verifier (default: :data:`DEFAULT`)."""
    return switch("PROVENANCE_VERIFIER", DEFAULT, env)


def folder(env: dict[str, str] | None = None) -> Path:
    """Where the verifier's files are: the package's own, unless ``PROVENANCE_VERIFIER_DIR``
    names a folder holding a model the lab rebuilt (checked the same way)."""
    value = (os.environ if env is None else env).get("PROVENANCE_VERIFIER_DIR", "")
    return Path(value) if value.strip() else FOLDER


def check_files(folder: Path) -> dict:
    """The verifier's manifest, once its model and tokenizer match the sha256 it records;
    :class:`VerifierUnavailable` names the file that is missing, unreadable or altered. Loads
    no model (the gunicorn master checks without starting onnxruntime)."""
    manifest_file = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_file.read_text())
    except (OSError, ValueError) as e:
        raise VerifierUnavailable(
            f"The verifier's manifest {manifest_file} is unreadable ({e}): reinstall the "
            "package, or rebuild the model with python -m lab train-verifier."
        ) from None
    for name, key in (("model.onnx", "model_sha256"), ("tokenizer.json", "tokenizer_sha256")):
        path = folder / name
        if not path.is_file():
            raise VerifierUnavailable(f"The verifier's file {path} is missing.")
        if file_sha256(path) != manifest.get(key):
            raise VerifierUnavailable(
                f"The verifier's file {path} does not match its sha256 in {manifest_file}: "
                "reinstall the package, or rebuild the model with python -m lab train-verifier."
            )
    return manifest


class Verifier:
    """P(entailment), P(neutral), P(contradiction) of (premise, hypothesis) pairs.

    Loading checks every file against the manifest. Runs are batched by length; each pair's
    reading is cached, so repeated claims (and a draft's repeated sentences) read once.
    """

    def __init__(self, folder: Path = FOLDER) -> None:
        self.manifest = check_files(folder)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.max_length = int(self.manifest["max_length"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        # A worker per core already: one thread each keeps workers from fighting for cores.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(
                str(folder / "model.onnx"), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own types for a bad graph
            raise VerifierUnavailable(f"The verifier's model cannot be loaded: {e}") from e
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.cache_size = CACHE_SIZE
        self.sha256 = self.manifest["model_sha256"]

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """An (n, 3) array: P(entailment, neutral, contradiction) of each (premise, claim)."""
        result = np.zeros((len(pairs), 3), dtype=np.float32)
        todo: dict[tuple[str, str], list[int]] = {}
        with self._lock:
            for i, pair in enumerate(pairs):
                if (cached := self._cache.get(pair)) is not None:
                    result[i] = cached
                    self._cache.move_to_end(pair)
                else:
                    todo.setdefault(pair, []).append(i)
        if todo:
            unique = list(todo)
            # In a gevent worker, a real thread: the batch takes tenths of a second.
            for pair, probs in zip(unique, off_the_event_loop(self._run, unique), strict=True):
                result[todo[pair]] = probs
            self.remember(dict(zip(unique, result[[todo[p][0] for p in unique]], strict=True)))
        return result

    def readings(self) -> dict[tuple[str, str], np.ndarray]:
        """A copy of the cached readings (the lab keeps them between runs on one data set)."""
        with self._lock:
            return dict(self._cache)

    def remember(self, readings: dict[tuple[str, str], np.ndarray]) -> None:
        """Take readings made earlier by this same model (see :meth:`readings`)."""
        with self._lock:
            self._cache.update(readings)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def _run(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(pairs)
        order = sorted(range(len(pairs)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            width = max(sum(encodings[i].attention_mask) for i in idx)

            def column(name: str, idx=idx, width=width) -> np.ndarray:
                return np.array([getattr(encodings[i], name)[:width] for i in idx], dtype=np.int64)

            logits = self._session.run(
                None,
                {
                    "input_ids": column("ids"),
                    "token_type_ids": column("type_ids"),
                    "attention_mask": column("attention_mask"),
                },
            )[0]
            z = np.exp(logits - logits.max(axis=1, keepdims=True))
            out[idx] = z / z.sum(axis=1, keepdims=True)
        return out


_lock = threading.Lock()
_current: dict[str, Verifier | None] = {}


def current() -> Verifier | None:
    """The process's verifier: loaded on first use when ``PROVENANCE_VERIFIER`` is on, None
    when it is off; :func:`use` sets it explicitly."""
    with _lock:
        if "v" in _current:
            return _current["v"]
    return configure(wanted())


def use(verifier: Verifier | None) -> None:
    """Judge with ``verifier`` in this process from now on (None: the lexical rules)."""
    with _lock:
        _current["v"] = verifier


_loaded: dict[Path, Verifier] = {}


def shipped() -> Verifier:
    """The verifier of :func:`folder` (the package's own by default), loaded once a process."""
    where = folder()
    with _lock:
        if where not in _loaded:
            _loaded[where] = Verifier(where)
        return _loaded[where]


def configure(on: bool) -> Verifier | None:
    """Judge with the shipped verifier from now on, loading it now (raising
    :class:`VerifierUnavailable`), or with the lexical rules alone."""
    verifier = shipped() if on else None
    use(verifier)
    return verifier
