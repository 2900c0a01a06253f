"""GenEval-style quality of generated emoji scenes, judged by the oracle, and the FOD.

    prompts = read_prompt_file(path)                 # parsed items + the lines the parser refused
    images = <generate one 64 x 64 image per prompts.items[i].prompt>
    report = evaluate_images(oracle, prompts.items, images, reference_images(prompts.items),
                             unparsed=prompts.unparsed)

Accuracies (None when no prompt asks for that thing); a prompt counts towards each that applies:
  * object_accuracy: prompts naming one emoji once ("a cat", "a cat on the left"): it is there;
  * count_accuracy: prompts naming one emoji two or three times: exactly that many copies of it
    (the GenEval counting task; several emoji in a relation count towards relation_accuracy);
  * position_accuracy: prompts naming one emoji at a position: all its copies stand there;
  * relation_accuracy: prompts relating two emoji: both are there and the relation holds;
  * background_accuracy: prompts naming a background: the oracle reads that background.
A prompt with two or three emoji and no relation counts towards background_accuracy only.
The geometry is the scene language's own (eval/oracle.py, judge).

FOD ("Frechet oracle distance") is the Frechet distance (Dowson & Landau 1982, as in FID, Heusel
et al. 2017) between Gaussians fitted to oracle features of the generated images and of real renders
of the same prompts. Like FID it is biased upwards at small sample sizes: compare figures at the
same number of images only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from muralist.eval.oracle import IMAGE, Oracle, judge
from muralist.train import captions, scenes
from muralist.train.scenes import BACKGROUNDS, PromptSpec, Scene

# ---- prompts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptItem:
    prompt: str
    spec: PromptSpec


@dataclass(frozen=True)
class Unparsed:
    line: int  # 1-based line number in the file (0 when not from a file)
    prompt: str
    reason: str  # what the parser could not read

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "prompt": self.prompt, "reason": self.reason}


@dataclass
class PromptSet:
    items: list[PromptItem] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)


def parse_prompts(lines: Sequence[str]) -> PromptSet:
    """Parse prompt lines; blank lines and lines starting with '#' are skipped, and a prompt
    outside the caption language is reported with the parser's reason, never guessed at."""
    out = PromptSet()
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            out.items.append(PromptItem(text, captions.explain_prompt(text)))
        except captions.CaptionParseError as exc:
            out.unparsed.append(Unparsed(number, text, str(exc)))
    return out


def read_prompt_file(path: Path | str) -> PromptSet:
    """parse_prompts over a UTF-8 file with one prompt per line."""
    return parse_prompts(Path(path).read_text(encoding="utf-8").splitlines())


# ---- references ---------------------------------------------------------------------------------


def reference_scene(spec: PromptSpec, seed: int) -> Scene:
    """A scene stating exactly the spec; a prompt that names no background gets one from the seed."""
    rng = np.random.default_rng([seed, 17])
    background = spec.background if spec.background is not None else BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    return Scene(background, spec.objects, spec.relation, int(rng.integers(0, 2**31)))


def reference_images(items: Sequence[PromptItem | PromptSpec], seed: int = 0) -> np.ndarray:
    """uint8 [N, 64, 64, 3]: one real render per prompt (scene i seeded by (seed, i)), for the FOD."""
    specs = [it.spec if isinstance(it, PromptItem) else it for it in items]
    renders = [np.asarray(scenes.render(reference_scene(s, seed * 1_000_003 + i), IMAGE)) for i, s in enumerate(specs)]
    return np.stack(renders) if renders else np.zeros((0, IMAGE, IMAGE, 3), np.uint8)


# ---- the Frechet distance -----------------------------------------------------------------------


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix (round-off negatives clipped)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to feature sets a [N, D] and b [M, D].

    d^2 = |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)).

    The trace of the square root is taken as tr((A S_b A)^(1/2)) with A = S_a^(1/2): the same number
    (S_a S_b and A S_b A are similar matrices), but A S_b A is symmetric PSD, so its eigenvalues are
    real and non-negative. This stays exact when N < D and the covariances are singular, where the
    usual scipy.linalg.sqrtm(S_a @ S_b) turns complex or needs an epsilon added to the diagonal.
    Needs at least two samples a side (a covariance of one sample is undefined).
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"feature sets must be [N, D] with the same D, got {a.shape} and {b.shape}")
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"a Frechet distance needs at least 2 samples a side, got {len(a)} and {len(b)}")
    # 1. means and covariances (unbiased, as FID's reference implementation)
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False).reshape(a.shape[1], -1), np.cov(b, rowvar=False).reshape(b.shape[1], -1)
    # 2. tr((S_a S_b)^(1/2)) through the symmetric form
    root_a = _sqrt_psd(cov_a)
    cross = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    tr_sqrt = float(np.sqrt(np.clip(cross, 0, None)).sum())
    # 3. assemble; round-off can make an identical pair a hair negative
    d2 = float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * tr_sqrt)
    return max(d2, 0.0)


# ---- the report ---------------------------------------------------------------------------------


def tasks(spec: PromptSpec) -> list[str]:
    """The accuracies a prompt counts towards (see the module docstring)."""
    out = []
    if len(spec.objects) == 1:
        only = spec.objects[0]
        out.append("count" if only.count > 1 else "object")
        if only.position is not None:
            out.append("position")
    if spec.relation is not None:
        out.append("relation")
    if spec.background is not None:
        out.append("background")
    return out


def _mean(values: list[bool]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def evaluate_images(
    oracle: Oracle,
    items: Sequence[PromptItem],
    images: Any,
    reference_images: Any,
    unparsed: Sequence[Unparsed] = (),
) -> dict[str, Any]:
    """The quality report of images generated for items (image i for items[i]).

    images: uint8 [N, 64, 64, 3] or N PIL images (other sizes are box-resized to 64);
    reference_images: real renders for the FOD (reference_images(items)), any count >= 2.
    Returns n_prompts (parsed + unparsed), n_evaluated, unparsed (line, prompt, reason), the
    accuracies with their n_*, fod and fod_n, and per_prompt judgements.
    """
    if len(images) != len(items):
        raise ValueError(f"{len(items)} prompts but {len(images)} images")
    readings = oracle.read(images)
    tally: dict[str, list[bool]] = {k: [] for k in ("object", "count", "position", "relation", "background")}
    per_prompt = []
    # 1. judge each prompt on the tasks it asks for
    for item, reading in zip(items, readings, strict=True):
        verdict = judge(reading, item.spec)
        found = {
            "object": verdict.objects,
            "count": verdict.counts,  # right emoji, right number
            "position": bool(verdict.position),
            "relation": bool(verdict.relation),  # both there and the relation holds
            "background": bool(verdict.background),
        }
        asked = tasks(item.spec)
        for task in asked:
            tally[task].append(found[task])
        per_prompt.append({"prompt": item.prompt, "tasks": asked, **verdict.to_dict(), "read": reading.to_dict()})

    # 2. FOD between generated and real renders (None below two images a side)
    fod = None
    n_ref = len(reference_images)
    if len(items) >= 2 and n_ref >= 2:
        fod = round(frechet_distance(oracle.features(images), oracle.features(reference_images)), 4)
    # 3. the report
    report: dict[str, Any] = {
        "n_prompts": len(items) + len(unparsed),
        "n_evaluated": len(items),
        "unparsed": [u.to_dict() for u in unparsed],
    }
    for key, values in tally.items():
        report[f"{key}_accuracy"] = _mean(values)
        report[f"n_{key}"] = len(values)
    report.update({"fod": fod, "fod_n": [len(items), n_ref], "per_prompt": per_prompt})
    return report
