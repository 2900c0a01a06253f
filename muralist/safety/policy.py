"""The content policy: thresholds, actions, lexicon and exemplars, read from a versioned folder.

The shipped policy is `muralist/safety/policy/` (policy.toml, lexicon.toml, exemplars.toml). An
operator may copy the folder, edit it and point the service at the copy. `Policy.version` is the
declared version plus a digest of the three files, so two deployments that print the same version
screen prompts the same way, and an edit that forgot to bump the version is still told apart.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muralist.errors import UserError
from muralist.safety.verdict import CONTENT_CATEGORIES, Category, Decision

DEFAULT_POLICY_DIR = Path(__file__).parent / "policy"
POLICY_FILES = ("policy.toml", "lexicon.toml", "exemplars.toml")
# Optional: the prompt classifier's weights (classifier.py). When present it is part of the digest.
CLASSIFIER_FILE = "classifier.safetensors"


class PolicyError(UserError):
    """A policy folder that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class CategoryPolicy:
    lexical: Decision | None  # None: lexical rules of this category are off
    embed_review: float
    embed_block: float
    classifier_review: float = 1.0  # classifier probability at which a prompt is held (1.0: never)
    classifier_block: float = 1.0
    # Where the lexicon excused this category by context ("a nude statue in a museum"): False, the
    # classifier does not judge it; True, a classifier reading at the block threshold still holds it.
    context_holds: bool = False
    # Where the prompt has one of the category's safe-context words ("a museum"): True, an embedding
    # reading at the block threshold holds the prompt instead of blocking it.
    gate_context_holds: bool = False


@dataclass(frozen=True)
class ImageLabelPolicy:
    category: Category
    review: float
    block: float
    corroborate: bool = False  # counts only when the detector also finds another body part


@dataclass(frozen=True)
class Policy:
    version: str
    directory: Path
    categories: dict[Category, CategoryPolicy]
    benign_margin: float
    window_words: int
    injection_alone: Decision
    injection_with_content: Decision
    injection_content_fraction: float
    obfuscation_with_content: Decision
    gibberish_review: float
    gibberish_block: float
    gibberish_min_words: int
    gibberish_known: frozenset[str]
    gibberish_known_endings: tuple[str, ...]  # a word with one of these endings is a word ("-oscopy")
    image_labels: dict[str, ImageLabelPolicy]
    image_corroboration_min: float
    lexicon: dict[str, Any]
    exemplars: dict[str, list[str]]
    classifier_path: Path | None = None  # None: no classifier in this policy folder
    # With a classifier: the probability of harm an embedding-gate finding needs to stand. Below
    # `gate_block_harm` the gate can at most hold a prompt; below `gate_review_harm` it is not evidence.
    gate_block_harm: float = 0.0
    gate_review_harm: float = 0.0
    # With a classifier: the probability of harm at which its likeliest category counts as the
    # prompt's leaning (what injection text or obfuscation beside it is judged with); 1.0 = never.
    leaning_harm: float = 1.0
    # With a classifier: in a category's safe context, the probability of harm at which a reading holds
    # the prompt (never below the category's block threshold); below it, the reading does nothing.
    safe_context_hold: float = 0.0
    # Talk to the filter that no injection pattern knows (lexicon [meta_talk]) next to a leaning.
    meta_talk_with_content: Decision = Decision.ALLOW


def load_policy(directory: Path | None = None) -> Policy:
    """Read and check a policy folder (default: the shipped one)."""
    directory = Path(directory) if directory is not None else DEFAULT_POLICY_DIR
    raw: dict[str, dict[str, Any]] = {}
    digest = hashlib.sha256()
    for name in POLICY_FILES:
        path = directory / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PolicyError(f"policy folder {directory} needs {name} ({exc.strerror})") from None
        try:
            raw[name] = tomllib.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path} is not valid TOML: {exc}") from None
        digest.update(name.encode() + b"\0" + data + b"\0")
    classifier = directory / CLASSIFIER_FILE
    if classifier.is_file():
        digest.update(CLASSIFIER_FILE.encode() + b"\0" + classifier.read_bytes() + b"\0")
    return _build(directory, raw, digest.hexdigest()[:8])


def _build(directory: Path, raw: dict[str, dict[str, Any]], digest: str) -> Policy:
    p = raw["policy.toml"]
    where = directory / "policy.toml"
    version = p.get("version")
    if not isinstance(version, str) or not version:
        raise PolicyError(f"{where}: expected a non-empty string `version`, got {version!r}")

    categories: dict[Category, CategoryPolicy] = {}
    configured = p.get("categories", {})
    clf = p.get("classifier", {})
    for category in CONTENT_CATEGORIES:
        section = configured.get(category.value)
        if section is None:
            raise PolicyError(f"{where}: missing [categories.{category.value}] (every content category needs one)")
        review = _fraction(section, "embed_review", f"{where} [categories.{category.value}]")
        block = _fraction(section, "embed_block", f"{where} [categories.{category.value}]")
        if block < review:
            raise PolicyError(
                f"{where} [categories.{category.value}]: embed_block {block} is below embed_review {review}"
            )
        lexical = section.get("lexical", "block")
        # The classifier's thresholds: [classifier] review / block, overridden per category.
        clf_where = f"{where} [categories.{category.value}] (or [classifier])"
        clf_review = _fraction({"v": section.get("classifier_review", clf.get("review", 1.0))}, "v", clf_where)
        clf_block = _fraction({"v": section.get("classifier_block", clf.get("block", 1.0))}, "v", clf_where)
        if clf_block < clf_review:
            raise PolicyError(f"{clf_where}: classifier block {clf_block} is below classifier review {clf_review}")
        categories[category] = CategoryPolicy(
            lexical=None if lexical == "off" else _decision(lexical, f"{where} [categories.{category.value}] lexical"),
            embed_review=review,
            embed_block=block,
            classifier_review=clf_review,
            classifier_block=clf_block,
            context_holds=bool(section.get("context_holds", False)),
            gate_context_holds=bool(section.get("gate_context_holds", False)),
        )
    unknown = set(configured) - {c.value for c in CONTENT_CATEGORIES}
    if unknown:
        known = ", ".join(c.value for c in CONTENT_CATEGORIES)
        raise PolicyError(f"{where}: unknown categories {sorted(unknown)}; the categories are {known}")

    emb, inj, gib = p.get("embedding", {}), p.get("injection", {}), p.get("gibberish", {})
    gib_review = _fraction(gib, "review", f"{where} [gibberish]")
    gib_block = _fraction(gib, "block", f"{where} [gibberish]")
    labels = {
        name: ImageLabelPolicy(
            category=_category(spec.get("category"), f"{where} [image.labels.{name}] category"),
            review=_fraction(spec, "review", f"{where} [image.labels.{name}]"),
            block=_fraction(spec, "block", f"{where} [image.labels.{name}]"),
            corroborate=bool(spec.get("corroborate", False)),
        )
        for name, spec in p.get("image", {}).get("labels", {}).items()
    }
    exemplars = raw["exemplars.toml"]
    for name, sentences in exemplars.items():
        if name != "benign" and name not in {c.value for c in CONTENT_CATEGORIES}:
            raise PolicyError(f"{directory / 'exemplars.toml'}: unknown category {name!r}")
        if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences) or not sentences:
            raise PolicyError(f"{directory / 'exemplars.toml'}: {name} must be a non-empty list of strings")
    return Policy(
        version=f"{version}+{digest}",
        directory=directory,
        categories=categories,
        benign_margin=float(emb.get("benign_margin", 0.0)),
        window_words=int(emb.get("window_words", 0)),
        injection_alone=_decision(inj.get("alone", "review"), f"{where} [injection] alone"),
        injection_with_content=_decision(inj.get("with_content", "block"), f"{where} [injection] with_content"),
        injection_content_fraction=float(inj.get("content_fraction", 1.0)),
        obfuscation_with_content=_decision(
            p.get("obfuscation", {}).get("with_content", "review"), f"{where} [obfuscation] with_content"
        ),
        gibberish_review=gib_review,
        gibberish_block=gib_block,
        gibberish_min_words=int(gib.get("min_words", 4)),
        gibberish_known=frozenset(str(w).lower() for w in gib.get("known_words", [])),
        gibberish_known_endings=tuple(str(w).lower() for w in gib.get("known_endings", [])),
        image_labels=labels,
        image_corroboration_min=float(p.get("image", {}).get("corroboration_min", 0.25)),
        lexicon=raw["lexicon.toml"],
        exemplars=exemplars,
        classifier_path=directory / CLASSIFIER_FILE if (directory / CLASSIFIER_FILE).is_file() else None,
        gate_block_harm=_fraction({"v": clf.get("gate_block_harm", 0.0)}, "v", f"{where} [classifier] gate_block_harm"),
        gate_review_harm=_fraction(
            {"v": clf.get("gate_review_harm", 0.0)}, "v", f"{where} [classifier] gate_review_harm"
        ),
        leaning_harm=_fraction({"v": clf.get("leaning_harm", 1.0)}, "v", f"{where} [classifier] leaning_harm"),
        safe_context_hold=_fraction(
            {"v": clf.get("safe_context_hold", 0.0)}, "v", f"{where} [classifier] safe_context_hold"
        ),
        meta_talk_with_content=_decision(
            inj.get("meta_talk_with_content", "allow"), f"{where} [injection] meta_talk_with_content"
        ),
    )


def _fraction(section: dict[str, Any], key: str, where: str) -> float:
    value = section.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
        raise PolicyError(f"{where}: expected `{key}` to be a number between 0 and 1, got {value!r}")
    return float(value)


def _decision(value: Any, where: str) -> Decision:
    try:
        return Decision(value)
    except ValueError:
        raise PolicyError(f"{where}: expected one of allow, review, block, got {value!r}") from None


def _category(value: Any, where: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        known = ", ".join(c.value for c in CONTENT_CATEGORIES)
        raise PolicyError(f"{where}: expected one of {known}, got {value!r}") from None
