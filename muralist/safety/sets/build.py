"""Write the project's labelled sets as JSON Lines: `python -m muralist.safety.sets.build`.

    redteam_{dev,test}.jsonl   violating prompts: plain, obfuscated, injection-suffixed
    edge_{dev,test}.jsonl      benign edge cases and long artistic prompts
    soup_{dev,test}.jsonl      adversarial token soup
    everyday_{dev,test}.jsonl  ordinary prompts (calibration of thresholds on dev)
    extra_dev.jsonl            dev only: implicit violations and more look-alikes (dev_extra.py)
    calibration_dev.jsonl      dev only: 1,000 ordinary prompts that skirt the categories' scenes
    classifier_dev.jsonl       dev only: new phrasings and look-alikes for the classifier (classifier_dev.py)

Deterministic: the same code writes the same files, so a diff shows exactly what changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from muralist.safety.sets import SETS_DIR, classifier_dev, dev_extra
from muralist.safety.sets.edge_cases import edge_cases, everyday
from muralist.safety.sets.redteam import red_team
from muralist.safety.sets.soup import token_soup


def _vocab() -> list[str]:
    from muralist.models.text_encoders import minilm_directory

    data = json.loads((minilm_directory() / "tokenizer.json").read_text())
    return sorted(data["model"]["vocab"], key=data["model"]["vocab"].get)


def build(out: Path = SETS_DIR) -> dict[str, int]:
    vocab = _vocab()
    counts = {}
    for split in ("dev", "test"):
        for name, rows in (
            (f"redteam_{split}", red_team(split)),
            (f"edge_{split}", edge_cases(split)),
            (f"soup_{split}", token_soup(split, 100, vocab)),
            (f"everyday_{split}", everyday(split)),
        ):
            path = out / f"{name}.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            counts[name] = len(rows)
    (out / "extra_dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in dev_extra.rows()), encoding="utf-8")
    counts["extra_dev"] = len(dev_extra.rows())
    calibration = dev_extra.calibration()
    (out / "calibration_dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in calibration), encoding="utf-8")
    counts["calibration_dev"] = len(calibration)
    clf_rows = classifier_dev.rows()
    (out / "classifier_dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in clf_rows), encoding="utf-8")
    counts["classifier_dev"] = len(clf_rows)
    return counts


if __name__ == "__main__":
    for name, n in build().items():
        print(f"{name}: {n}")
