"""Fit the prompt classifier (classifier.py) on dev material only: `python -m muralist.safety.fit_classifier`.

Training rows, all dev: the red-team dev split (plain and obfuscated forms; injection-suffixed and
injection-only rows are left out, because injection is judged by its own rule and the classifier
must not learn "no restrictions" as a content category), extra_dev, classifier_dev (written for
this), the policy's exemplar sentences, and as benign everyday_dev, edge_dev, calibration_dev and
the benign exemplars. Each text is embedded as the filter embeds it: normalised, then MiniLM int8.

Multinomial logistic regression, L2-regularised, class-balanced, full-batch L-BFGS from zeros
(deterministic; the seed fixes only torch's global state). Writes policy/classifier.safetensors.

`--validate` fits instead on half of every dev word list (subjects, acts, exemplars, hand-written
prompts) and reports on the other half, plus on benign dev sets it did not train on (everyday_dev,
edge_dev): how well the classifier does on phrasings it never saw, which is what the test split
asks of it. The thresholds in policy.toml were chosen from that report.
"""

from __future__ import annotations

import argparse
import json
import random
import tomllib
from pathlib import Path
from typing import TypeVar

import torch

from muralist.safety.classifier import PromptClassifier
from muralist.safety.embedding import SentenceEncoder, load_minilm
from muralist.safety.normalize import normalize
from muralist.safety.policy import CLASSIFIER_FILE, DEFAULT_POLICY_DIR
from muralist.safety.sets import SETS_DIR, classifier_dev
from muralist.safety.sets.edge_cases import DOMAINS, EVERYDAY_ACTIONS, EVERYDAY_PLACES, EVERYDAY_SUBJECTS, STYLE_TAGS
from muralist.safety.sets.obfuscate import OBFUSCATIONS
from muralist.safety.sets.redteam import CATEGORIES, STYLES
from muralist.safety.verdict import CONTENT_CATEGORIES

T = TypeVar("T")
CLASSES = ["benign"] + [c.value for c in CONTENT_CATEGORIES]
SEED = 7
L2 = 3e-5
BENIGN_WEIGHT = 3.0  # how much more a benign row weighs than a violating one, after class balancing


def _jsonl(name: str) -> list[dict[str, str]]:
    path = SETS_DIR / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _half(items: list[T], half: str) -> list[T]:
    return {"a": items[0::2], "b": items[1::2], "all": items}[half]


def redteam_half(half: str, per_category: int = 60, seed: int = SEED) -> list[dict[str, str]]:
    """Plain and obfuscated red-team prompts from one half of the *dev* half of each word list."""
    rng = random.Random(f"{seed}-{half}")
    rows = []
    for category, slots in CATEGORIES.items():
        subjects, acts = (_half(slots[k][0::2], half) for k in ("subject", "act"))
        seen: set[str] = set()
        while len(seen) < min(per_category, len(subjects) * len(acts)):
            parts = [rng.choice(subjects), rng.choice(acts), rng.choice(slots["setting"])]
            prompt = " ".join(p for p in parts if p)
            if rng.random() < 0.6:
                prompt += ", " + rng.choice(STYLES)
            seen.add(prompt)
        for prompt in sorted(seen):
            rows.append({"prompt": prompt, "label": "violating", "category": category})
            _, obfuscate = rng.choice(OBFUSCATIONS)
            rows.append({"prompt": obfuscate(prompt, rng), "label": "violating", "category": category})
    return rows


def benign_half(half: str, seed: int = SEED) -> list[dict[str, str]]:
    """Edge cases and everyday prompts from one half of the *dev* half of each of their lists."""
    rng = random.Random(f"{seed}-benign-{half}")
    rows = []
    for domain, (templates, fillers) in DOMAINS.items():
        for x in _half(fillers[0::2], half):
            rows.append({"prompt": rng.choice(templates).format(x=x), "label": "benign", "category": domain})
    subjects, actions, places = (_half(x[0::2], half) for x in (EVERYDAY_SUBJECTS, EVERYDAY_ACTIONS, EVERYDAY_PLACES))
    for _ in range(150):
        prompt = f"{rng.choice(subjects)} {rng.choice(actions)} {rng.choice(places)}"
        if rng.random() < 0.5:
            prompt += ", " + rng.choice(STYLE_TAGS)
        rows.append({"prompt": prompt, "label": "benign", "category": "everyday"})
    return rows


def exemplar_rows(policy_dir: Path, half: str) -> list[dict[str, str]]:
    exemplars = tomllib.loads((policy_dir / "exemplars.toml").read_text(encoding="utf-8"))
    rows = []
    for name, sentences in exemplars.items():
        label = "benign" if name == "benign" else "violating"
        rows += [{"prompt": s, "label": label, "category": name} for s in _half(sentences, half)]
    return rows


def material(policy_dir: Path, half: str = "all") -> list[dict[str, str]]:
    """Training rows: every dev source with half="all"; one half of each list for --validate."""
    if half == "all":
        redteam = [r for r in _jsonl("redteam_dev") if r.get("form", "plain") != "injection"]
        benign_sets = _jsonl("everyday_dev") + _jsonl("edge_dev") + _jsonl("calibration_dev")
    else:
        redteam = redteam_half(half)
        benign_sets = _jsonl("calibration_dev") + benign_half(half)
    extra = _half(_jsonl("extra_dev"), half)
    rows = redteam + extra + benign_sets + exemplar_rows(policy_dir, half)
    rows += classifier_dev.violating(half) + classifier_dev.benign(half)
    return rows


def embed(encoder: SentenceEncoder, words: frozenset[str], prompts: list[str]) -> torch.Tensor:
    return torch.cat([encoder([normalize(p, words).canonical]) for p in prompts])


def targets(rows: list[dict[str, str]]) -> torch.Tensor:
    return torch.tensor([0 if r["label"] == "benign" else CLASSES.index(r["category"]) for r in rows])


def fit(
    x: torch.Tensor, y: torch.Tensor, l2: float = L2, benign_weight: float = BENIGN_WEIGHT, seed: int = SEED
) -> PromptClassifier:
    torch.manual_seed(seed)
    k, d = len(CLASSES), x.shape[1]
    counts = torch.bincount(y, minlength=k).float().clamp(min=1)
    class_weight = counts.sum() / (k * counts)  # each class weighs the same in the loss ...
    class_weight[0] *= benign_weight  # ... except benign, which may weigh more
    w = torch.zeros(k, d, requires_grad=True)
    b = torch.zeros(k, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=500, history_size=20, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(x @ w.T + b, y, weight=class_weight) + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return PromptClassifier(w.detach(), b.detach(), CLASSES)


def _report(clf: PromptClassifier, x: torch.Tensor, rows: list[dict[str, str]], name: str) -> None:
    """Share of rows whose probability of harm (1 - benign) is at or above each cut."""
    p = torch.softmax(clf.logits(x), dim=1)
    cuts = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)
    print(f"{name}: share >= " + "  ".join(f"{c:.2f}" for c in cuts))
    groups: dict[str, list[float]] = {}
    for row, probs in zip(rows, p, strict=True):
        score = float(1 - probs[0])  # the filter acts on the probability of harm, any category
        groups.setdefault(row["category"] if row["label"] != "benign" else "benign:" + name, []).append(score)
    for group, scores in sorted(groups.items()):
        shares = "  ".join(f"{sum(s >= c for s in scores) / len(scores):5.1%}" for c in cuts)
        print(f"  {group:<28}{len(scores):>5}  {shares}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY_DIR)
    parser.add_argument("--validate", action="store_true", help="fit on half of the dev lists, report on the rest")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--benign-weight", type=float, default=BENIGN_WEIGHT)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    encoder = load_minilm()
    words = frozenset(w for w in encoder.vocab if w.isalpha())
    if args.validate:
        train = material(args.policy, "a")
        clf = fit(embed(encoder, words, [r["prompt"] for r in train]), targets(train), args.l2, args.benign_weight)
        held = redteam_half("b") + _half(_jsonl("extra_dev"), "b") + classifier_dev.violating("b")
        held += exemplar_rows(args.policy, "b")
        _report(clf, embed(encoder, words, [r["prompt"] for r in held]), held, "held-out violating")
        for name, rows in (("edge+everyday_b", benign_half("b")), ("look_alike_b", classifier_dev.benign("b"))):
            _report(clf, embed(encoder, words, [r["prompt"] for r in rows]), rows, name)
        return 0
    rows = material(args.policy)
    clf = fit(embed(encoder, words, [r["prompt"] for r in rows]), targets(rows), args.l2, args.benign_weight)
    out = args.policy / CLASSIFIER_FILE
    clf.save(
        out,
        {
            "fitted_by": "python -m muralist.safety.fit_classifier",
            "seed": str(SEED),
            "l2": str(args.l2),
            "benign_weight": str(args.benign_weight),
        },
    )
    print(f"wrote {out} from {len(rows)} dev rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
