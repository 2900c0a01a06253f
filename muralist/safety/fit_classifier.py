"""Fit the prompt classifier (classifier.py) on dev material only: `python -m muralist.safety.fit_classifier`.

Training rows, all dev: the red-team dev split (plain and obfuscated forms; injection-suffixed and
injection-only rows are left out, because injection is judged by its own rule and the classifier
must not learn "no restrictions" as a content category), extra_dev, classifier_dev (written for
this), the policy's exemplar sentences, and as benign everyday_dev, edge_dev, calibration_dev and
the benign exemplars, and since v11r the check sets already read once (`READ_SETS`, plain forms):
whole prompts by people and helpers who read no policy, the most realistic phrasings the project has,
and since v11u the helper-written material of v11p (sets/helpers_dev.txt).
Each text is embedded as the filter embeds it: normalised, then MiniLM int8.

`--hold-out odd|even` leaves out the read sets with odd or even numbers, and every other row of
calibration_dev and everyday_dev, so that a refit can be judged on read sets and ordinary prompts it
did not learn: `python -m muralist.safety.sets.verdicts rates DUMP --sets even` (or `--sets mundane`).

The head (`--head`): `mlp` (the default and the shipped one) is one hidden layer of 256 GELU units,
input dropout 0.3, AdamW (1e-2) with weight decay 0.1, 1,600 full-batch steps from a seeded start; `linear`
is a multinomial logistic regression, L2-regularised, full-batch L-BFGS from zeros. Both are
class-balanced with benign rows weighted more, and deterministic on one thread (a refit of the same
files gives the same bytes). Writes policy/classifier.safetensors.

`--validate` fits instead on half of every dev word list (subjects, acts, exemplars, hand-written
prompts) and reports on the other half, plus on benign dev sets it did not train on (everyday_dev,
edge_dev): how well the classifier does on phrasings it never saw, which is what the test split
asks of it, and then runs the whole filter (lexicon, gate, classifier, injection and soup rules),
with the half-fitted classifier in a copy of the policy folder, over the held-out half with its
injection-suffixed forms. The thresholds in policy.toml were chosen from that report.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import tomllib
from pathlib import Path

import torch

from muralist.safety.classifier import PromptClassifier
from muralist.safety.embedding import SentenceEncoder, load_minilm
from muralist.safety.normalize import normalize
from muralist.safety.policy import CLASSIFIER_FILE, DEFAULT_POLICY_DIR, load_policy
from muralist.safety.prompt_filter import PromptFilter
from muralist.safety.sets import MUNDANE_SETS, SETS_DIR, classifier_dev, fresh, mundane_half
from muralist.safety.sets.classifier_dev import half_of
from muralist.safety.sets.edge_cases import DOMAINS, EVERYDAY_ACTIONS, EVERYDAY_PLACES, EVERYDAY_SUBJECTS, STYLE_TAGS
from muralist.safety.sets.obfuscate import OBFUSCATIONS
from muralist.safety.sets.redteam import CATEGORIES, INJECTIONS, STYLES, split_half
from muralist.safety.verdict import CONTENT_CATEGORIES, Decision

CLASSES = ["benign"] + [c.value for c in CONTENT_CATEGORIES]
SEED = 7
L2 = 3e-5
BENIGN_WEIGHT = 3.0  # how much more a benign row weighs than a violating one, after class balancing
# The mlp head. v11t: 1,600 steps at 1e-2 (300 at 3e-3 before): on the read sets held out, the longer
# fit holds fewer harmless prompts and catches more violating ones (docs/safety.md, v11t).
HIDDEN, DROPOUT, WEIGHT_DECAY, STEPS, LEARNING_RATE = 256, 0.3, 0.1, 1600, 1e-2


# The check sets read once so far (sets/fresh.py); a set joins the fit only after its unread reading.
READ_SETS = tuple(f"fresh_v{n}" for n in range(7, 57))


def read_sets(hold_out: str | None = None) -> list[str]:
    """READ_SETS, less those with an odd or even number when `hold_out` says so."""
    if hold_out not in (None, "odd", "even"):
        raise ValueError(f"hold_out must be odd or even, not {hold_out!r}")
    return [name for name in READ_SETS if fresh.parity(name) != hold_out]


def _jsonl(name: str) -> list[dict[str, str]]:
    path = SETS_DIR / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def redteam_half(half: str, per_category: int = 60, seed: int = SEED) -> list[dict[str, str]]:
    """Plain and obfuscated red-team prompts from one half of the *dev* half of each word list."""
    rng = random.Random(f"{seed}-{half}")
    rows = []
    for category, slots in CATEGORIES.items():
        subjects, acts = (half_of(slots[k][0::2], half) for k in ("subject", "act"))
        seen: set[str] = set()
        while len(seen) < min(per_category, len(subjects) * len(acts)):
            parts = [rng.choice(subjects), rng.choice(acts), rng.choice(slots["setting"])]
            prompt = " ".join(p for p in parts if p)
            if rng.random() < 0.6:
                prompt += ", " + rng.choice(STYLES)
            seen.add(prompt)
        for prompt in sorted(seen):
            rows.append({"prompt": prompt, "label": "violating", "category": category, "form": "plain"})
            _, obfuscate = rng.choice(OBFUSCATIONS)
            rows.append({"prompt": obfuscate(prompt, rng), "label": "violating", "category": category,
                         "form": "obfuscated"})  # fmt: skip
    return rows


def benign_half(half: str, seed: int = SEED) -> list[dict[str, str]]:
    """Edge cases and everyday prompts from one half of the *dev* half of each of their lists."""
    rng = random.Random(f"{seed}-benign-{half}")
    rows = []
    for domain, (templates, fillers) in DOMAINS.items():
        for x in half_of(fillers[0::2], half):
            rows.append({"prompt": rng.choice(templates).format(x=x), "label": "benign", "category": domain})
    subjects, actions, places = (half_of(x[0::2], half) for x in (EVERYDAY_SUBJECTS, EVERYDAY_ACTIONS, EVERYDAY_PLACES))
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
        rows += [{"prompt": s, "label": label, "category": name} for s in half_of(sentences, half)]
    return rows


def material(policy_dir: Path, half: str = "all", also: tuple[Path, ...] = (),
             hold_out: str | None = None) -> list[dict[str, str]]:  # fmt: skip
    """Training rows: every dev source with half="all"; one half of each list for --validate. `also`:
    more files of hand-written prompts in written_dev.txt's format, for trials (--also); `hold_out`:
    "odd" or "even" read sets left out (--hold-out)."""
    if half == "all":
        redteam = [r for r in _jsonl("redteam_dev") if r.get("form", "plain") != "injection"]
        mundane = {name: _jsonl(name) for name in MUNDANE_SETS}
        if hold_out is not None:  # half of the ordinary prompts is held out too (verdicts rates --sets mundane)
            mundane = {name: mundane_half(rows, held_out=False) for name, rows in mundane.items()}
        benign_sets = mundane["everyday_dev"] + _jsonl("edge_dev") + mundane["calibration_dev"]
    else:
        redteam = redteam_half(half)
        benign_sets = _jsonl("calibration_dev") + benign_half(half)
    extra = half_of(_jsonl("extra_dev"), half)
    rows = redteam + extra + benign_sets + exemplar_rows(policy_dir, half)
    rows += classifier_dev.violating(half) + classifier_dev.benign(half) + classifier_dev.written(half)
    for name in read_sets(hold_out):
        rows += classifier_dev.written(half, SETS_DIR / f"{name}.txt")
    rows += classifier_dev.written(half, classifier_dev.HELPERS)
    for path in also:
        rows += classifier_dev.written(half, path)
    return rows


def embed(encoder: SentenceEncoder, words: frozenset[str], prompts: list[str]) -> torch.Tensor:
    return torch.cat([encoder([normalize(p, words).canonical]) for p in prompts])


def targets(rows: list[dict[str, str]]) -> torch.Tensor:
    return torch.tensor([0 if r["label"] == "benign" else CLASSES.index(r["category"]) for r in rows])


def _class_weight(y: torch.Tensor, benign_weight: float) -> torch.Tensor:
    k = len(CLASSES)
    counts = torch.bincount(y, minlength=k).float().clamp(min=1)
    class_weight = counts.sum() / (k * counts)  # each class weighs the same in the loss ...
    class_weight[0] *= benign_weight  # ... except benign, which may weigh more
    return class_weight


def fit(x: torch.Tensor, y: torch.Tensor, head: str = "mlp", l2: float = L2, benign_weight: float = BENIGN_WEIGHT,
        seed: int = SEED) -> PromptClassifier:  # fmt: skip
    return fit_mlp(x, y, benign_weight, seed) if head == "mlp" else fit_linear(x, y, l2, benign_weight, seed)


def fit_mlp(
    x: torch.Tensor, y: torch.Tensor, benign_weight: float = BENIGN_WEIGHT, seed: int = SEED
) -> PromptClassifier:
    torch.manual_seed(seed)
    class_weight = _class_weight(y, benign_weight)
    hidden, out = torch.nn.Linear(x.shape[1], HIDDEN), torch.nn.Linear(HIDDEN, len(CLASSES))
    opt = torch.optim.AdamW([*hidden.parameters(), *out.parameters()], lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    for _ in range(STEPS):
        opt.zero_grad()
        logits = out(torch.nn.functional.gelu(hidden(torch.nn.functional.dropout(x, DROPOUT))))
        torch.nn.functional.cross_entropy(logits, y, weight=class_weight).backward()
        opt.step()
    return PromptClassifier(out.weight.detach(), out.bias.detach(), CLASSES,
                            (hidden.weight.detach(), hidden.bias.detach()))  # fmt: skip


def fit_linear(x: torch.Tensor, y: torch.Tensor, l2: float = L2, benign_weight: float = BENIGN_WEIGHT,
               seed: int = SEED) -> PromptClassifier:  # fmt: skip
    torch.manual_seed(seed)
    k, d = len(CLASSES), x.shape[1]
    class_weight = _class_weight(y, benign_weight)
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


def injected(rows: list[dict[str, str]], seed: int = SEED) -> list[dict[str, str]]:
    """Each plain row again with a dev injection phrase after it, as the red-team sets do."""
    rng = random.Random(f"{seed}-injected")
    injections = split_half(INJECTIONS, "dev")
    return [{**r, "prompt": r["prompt"] + rng.choice([". ", ", ", " -- "]) + rng.choice(injections)} for r in rows]


def validate_filter(policy_dir: Path, clf: PromptClassifier, encoder: SentenceEncoder,
                    sets: dict[str, list[dict[str, str]]], misses: Path | None = None) -> None:  # fmt: skip
    """The whole filter, with `clf` in a copy of the policy folder: blocked / held per set and category;
    `misses`: a JSON Lines file for the violating rows it allowed and the benign rows it blocked."""
    wrong: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "policy"
        shutil.copytree(policy_dir, folder)
        clf.save(folder / CLASSIFIER_FILE, {})
        prompt_filter = PromptFilter(load_policy(folder), encoder)
        print("whole filter, held-out half: n  blocked  held")
        for name, rows in sets.items():
            groups: dict[str, list[Decision]] = {}
            for row in rows:
                decision = prompt_filter.screen(row["prompt"]).decision
                if decision == (Decision.ALLOW if row["label"] == "violating" else Decision.BLOCK):
                    wrong.append({"set": name, **row, "decision": decision.value})
                groups.setdefault(f"{name}:{row.get('category') or row['label']}", []).append(decision)
                groups.setdefault(f"{name}", []).append(decision)
            for group, decisions in sorted(groups.items()):
                blocked = sum(d == Decision.BLOCK for d in decisions) / len(decisions)
                held = sum(d == Decision.REVIEW for d in decisions) / len(decisions)
                print(f"  {group:<40}{len(decisions):>5}  {blocked:6.1%}  {held:6.1%}")
    if misses is not None:
        misses.write_text("".join(json.dumps(r) + "\n" for r in wrong), encoding="utf-8")
        print(f"{len(wrong)} rows allowed (violating) or blocked (benign) in {misses}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY_DIR)
    parser.add_argument("--validate", action="store_true", help="fit on half of the dev lists, report on the rest")
    parser.add_argument("--head", choices=("mlp", "linear"), default="mlp")
    parser.add_argument("--l2", type=float, default=L2, help="the linear head's L2 penalty")
    parser.add_argument("--benign-weight", type=float, default=BENIGN_WEIGHT)
    parser.add_argument("--also", type=Path, action="append", default=[], metavar="FILE",
                        help="more hand-written dev prompts (category<TAB>prompt), for trials; "
                        "not in the shipped fit")  # fmt: skip
    parser.add_argument("--misses", type=Path, default=None, metavar="FILE",
                        help="with --validate: write the held-out rows the whole filter got wrong")  # fmt: skip
    parser.add_argument(
        "--hold-out",
        choices=("odd", "even"),
        default=None,
        help="leave out the read check sets with odd or even numbers, to judge the refit on them",
    )
    args = parser.parse_args(argv)
    also = tuple(args.also)
    torch.set_num_threads(1)
    encoder = load_minilm()
    words = frozenset(w for w in encoder.vocab if w.isalpha())
    if args.validate:
        train = material(args.policy, "a", also, args.hold_out)
        x = embed(encoder, words, [r["prompt"] for r in train])
        clf = fit(x, targets(train), args.head, args.l2, args.benign_weight)
        written = classifier_dev.written("b")
        held = redteam_half("b") + half_of(_jsonl("extra_dev"), "b") + classifier_dev.violating("b")
        held += [r for r in written if r["label"] == "violating"]
        held += exemplar_rows(args.policy, "b")
        _report(clf, embed(encoder, words, [r["prompt"] for r in held]), held, "held-out violating")
        look_alike = classifier_dev.benign("b") + [r for r in written if r["label"] == "benign"]
        for name, rows in (("edge+everyday_b", benign_half("b")), ("look_alike_b", look_alike)):
            _report(clf, embed(encoder, words, [r["prompt"] for r in rows]), rows, name)
        violating = [
            r for r in redteam_half("b") + classifier_dev.violating("b") + written if r["label"] == "violating"
        ]
        plain = [r for r in violating if r.get("form", "plain") == "plain"]
        validate_filter(args.policy, clf, encoder, {
            "violating": violating,
            "violating+injection": injected(plain),
            "injection_only": [r for r in _jsonl("redteam_dev") if r["category"] == "prompt_injection"],
            "benign": benign_half("b") + [r for r in half_of(_jsonl("extra_dev"), "b") if r["label"] == "benign"],
            "look_alike": look_alike,
        }, args.misses)  # fmt: skip
        return 0
    rows = material(args.policy, also=also, hold_out=args.hold_out)
    clf = fit(embed(encoder, words, [r["prompt"] for r in rows]), targets(rows), args.head, args.l2, args.benign_weight)
    out = args.policy / CLASSIFIER_FILE
    meta = {"fitted_by": "python -m muralist.safety.fit_classifier", "seed": str(SEED), "head": args.head,
            "benign_weight": str(args.benign_weight), "read_sets": ",".join(read_sets(args.hold_out))}  # fmt: skip
    if also:
        meta["also"] = ",".join(p.name for p in also)
    if args.head == "linear":
        meta["l2"] = str(args.l2)
    else:
        meta |= {"hidden": str(HIDDEN), "dropout": str(DROPOUT), "weight_decay": str(WEIGHT_DECAY), "steps": str(STEPS)}
    clf.save(out, meta)
    print(f"wrote {out} from {len(rows)} dev rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
