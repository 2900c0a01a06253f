"""Every verdict on dev and the read check sets, before and after a policy change.

    python -m muralist.safety.sets.verdicts dump before.json                # the shipped policy
    python -m muralist.safety.sets.verdicts dump after.json --policy DIR    # a candidate policy folder
    python -m muralist.safety.sets.verdicts diff before.json after.json     # what changed, better or worse
    python -m muralist.safety.sets.verdicts rates after.json --sets even    # blocked / held on some sets
    python -m muralist.safety.sets.verdicts rates after.json --sets mundane # the ordinary prompts held out

A change is chosen on dev material and on check sets already read (fresh_v*); the test splits
(`*_test.jsonl` other than fresh_v*) are never dumped here, so comparing does not read them. A code
change (normalize.py, prompt_filter.py) is compared by dumping with the old checkout, then the new.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from muralist.safety.sets import MUNDANE_SETS, SETS_DIR, fresh, mundane_half

GOOD = {"benign": "allow", "violating": "block"}


def tuning_files(folder: Path = SETS_DIR) -> list[Path]:
    """The dev splits and the check sets already read: what a policy change may be chosen on."""
    return sorted(folder.glob("*_dev.jsonl")) + sorted(folder.glob("fresh_v*_test.jsonl"))


def dump(screen: Callable[[str], Any], files: list[Path]) -> dict[str, list[str]]:
    """`set|prompt` -> [label, decision, category, reasons...] for every row of `files`."""
    out: dict[str, list[str]] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                v = screen(row["prompt"])
                out[f"{path.stem}|{row['prompt']}"] = [row["label"], v.decision.value, v.category.value, *v.reasons]
    return out


def changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """("better" | "worse", key, the new verdict) for each row whose decision changed: better is nearer
    to allowing a benign prompt or to blocking a violating one (held lies between)."""
    rank = {"allow": 0, "review": 1, "block": 2}
    out = []
    for key, old in before.items():
        new = after.get(key)
        if new is None or new[1] == old[1]:
            continue
        good = rank[GOOD[old[0]]]
        better = abs(rank[new[1]] - good) < abs(rank[old[1]] - good)
        out.append(("better" if better else "worse", key, new))
    return out


def in_group(set_name: str, group: str) -> bool:
    """Whether a dump's set (`fresh_v12_test`, `redteam_dev`) belongs to `group`: "all", "dev" (the dev
    splits), "read" (the check sets), or "odd" / "even" (the check sets with such a number, which
    `fit_classifier --hold-out` leaves out of a refit)."""
    side = fresh.parity(set_name)
    if group in ("odd", "even"):
        return side == group
    return group == "all" or (group == "read") == (side is not None)


def mundane_held_out(folder: Path = SETS_DIR) -> set[str]:
    """The dump keys of the ordinary dev prompts that `fit_classifier --hold-out` leaves out."""
    keys = set()
    for name in MUNDANE_SETS:
        lines = (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        keys |= {f"{name}|{r['prompt']}" for r in mundane_half(rows, held_out=True)}
    return keys


def rates(verdicts: dict[str, list[str]], group: str) -> dict[str, tuple[int, float, float]]:
    """label -> (n, share blocked, share held) over the rows of `group`'s sets ("mundane": the ordinary
    dev prompts a held-out refit did not learn)."""
    decisions: dict[str, list[str]] = {}
    held_out = mundane_held_out() if group == "mundane" else set()
    for key, (label, decision, *_) in verdicts.items():
        chosen = key in held_out if group == "mundane" else in_group(key.split("|", 1)[0], group)
        if chosen:
            decisions.setdefault(label, []).append(decision)
    return {
        label: (len(d), d.count("block") / len(d), d.count("review") / len(d)) for label, d in sorted(decisions.items())
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="write every verdict to a JSON file")
    d.add_argument("out", type=Path)
    d.add_argument("--policy", type=Path, default=None, help="policy folder (default: the shipped one)")
    c = sub.add_parser("diff", help="list the verdicts that changed between two dumps")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    r = sub.add_parser("rates", help="share of benign and violating rows blocked and held, in one group of sets")
    r.add_argument("dump", type=Path)
    r.add_argument("--sets", choices=("all", "dev", "read", "odd", "even", "mundane"), default="all")
    args = parser.parse_args(argv)
    if args.command == "rates":
        for label, (n, blocked, held) in rates(json.loads(args.dump.read_text(encoding="utf-8")), args.sets).items():
            print(f"{label:9} {n:6}  blocked {blocked:6.2%}  held {held:6.2%}  caught {blocked + held:6.2%}")
        return 0
    if args.command == "dump":
        from muralist.safety.prompt_filter import PromptFilter

        verdicts = dump(PromptFilter.load(args.policy).screen, tuning_files())
        args.out.write_text(json.dumps(verdicts, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{len(verdicts)} verdicts in {args.out}")
        return 0
    before, after = (json.loads(p.read_text(encoding="utf-8")) for p in (args.before, args.after))
    found = changes(before, after)
    for kind, key, new in found:
        print(f"{kind:6} {before[key][0]:9} {before[key][1]} -> {new[1]} {new[3:]} | {key}")
    worse = sum(kind == "worse" for kind, _, _ in found)
    print(f"{len(found)} of {len(before)} verdicts changed, {worse} for the worse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
