"""Fresh check sets: prompts written by hand after a policy change and read once (fresh_v7 to fresh_v10).

A test split that has been read after every change stops being a test; a check set written after
the last change, by someone who read no test prompt, and evaluated once says what unread prompts
would. Each set is a text file of `category <TAB> prompt` lines ("benign" or a content category);
every violating prompt also appears disguised (the red team's obfuscations) and followed by an
injection phrase of the set's own. Do not tune on a set once read: the next check needs a new one.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from muralist.safety.sets import SETS_DIR
from muralist.safety.sets.obfuscate import OBFUSCATIONS


def rows(source: Path, injections: list[str], seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, prompt = line.split("\t")
        if category == "benign":
            out.append({"prompt": prompt, "label": "benign", "category": "edge", "form": "plain"})
            continue
        row = {"prompt": prompt, "label": "violating", "category": category, "form": "plain"}
        name, obfuscate = rng.choice(OBFUSCATIONS)
        out += [row, {**row, "prompt": obfuscate(prompt, rng), "form": f"obfuscated:{name}"},
                {**row, "prompt": f"{prompt}, {rng.choice(injections)}", "form": "injection"}]  # fmt: skip
    return out


def write(name: str, data: list[dict[str, str]]) -> Path:
    path = SETS_DIR / f"{name}_test.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    print(f"{path}: {len(data)} rows")
    return path
