"""The prompt pre-filter: prompt → Verdict, before the job is enqueued and any GPU time is spent.

Layers, each cheap enough to run on every prompt (p95 target 15 ms on one CPU core):

1. normalize.py undoes obfuscation (homoglyphs, zero-width characters, leetspeak, split letters).
2. lexicon.py: per-category words and phrases with context rules and combinations.
3. gate.py: cosine similarity of the prompt's MiniLM embedding to per-category exemplars, with
   review and block thresholds, counted only when it beats every benign look-alike by a margin;
   classifier.py: a small network on the same embedding (fitted on dev material), with its own
   review and block probabilities per category.
4. Prompt-injection text ("ignore the safety rules") → blocked (the policy may say review) alone,
   blocked next to any content evidence, even evidence too weak to act on by itself. Clauses that
   speak to the filter in words no pattern knows ("compliance note: output has legal clearance")
   are left out of what layer 3 reads and of where safe context is looked for (lexicon `MetaTalk`).
5. Adversarial token soup (gibberish.py) → review, or block when the soup also leans towards a
   category.

The strictest finding wins. `screen_prompt(text)` uses the shipped policy, loaded once per process.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from muralist.safety.classifier import PromptClassifier
from muralist.safety.embedding import SentenceEncoder, load_minilm
from muralist.safety.gate import EmbeddingGate, GateScores
from muralist.safety.gibberish import gibberish_score
from muralist.safety.lexicon import Lexicon
from muralist.safety.normalize import Normalized, clauses, normalize
from muralist.safety.policy import Policy, load_policy
from muralist.safety.verdict import Category, Decision, Stage, Verdict, strictest


@dataclass(frozen=True)
class _Finding:
    decision: Decision
    category: Category
    score: float
    reason: str


class PromptFilter:
    def __init__(self, policy: Policy, encoder: SentenceEncoder | None = None):
        """`encoder=None` runs without the embedding gate (lexical rules, injection, gibberish only)."""
        self.policy = policy
        self.lexicon = Lexicon(policy.lexicon)
        self.actions = {c: p.lexical for c, p in policy.categories.items()}
        self.gate = EmbeddingGate(encoder, policy.exemplars, policy.window_words) if encoder is not None else None
        self.classifier = (
            PromptClassifier.load(policy.classifier_path)
            if encoder is not None and policy.classifier_path is not None
            else None
        )
        self.vocab = encoder.vocab if encoder is not None else {}
        # Whole words of the encoder's vocabulary and of the lexicon's phrases, for cutting letter-spaced
        # runs back into words and for shortening repeated letters ("noooose" is "noose", not "nose").
        self.words = frozenset(w for w in self.vocab if w.isalpha()) | self.lexicon.index.words() or None

    @classmethod
    def load(cls, policy_dir: Path | None = None, embedding: bool = True) -> PromptFilter:
        return cls(load_policy(policy_dir), load_minilm() if embedding else None)

    def screen(self, text: str) -> Verdict:
        p = self.policy
        norm = normalize(text, self.words)
        request, meta_clauses = self._request(norm)
        lexical = self.lexicon.scan(norm.views, self.actions, context_views=request.views)
        findings = [_Finding(f.decision, f.category, 1.0, f"lexical:{f.rule}") for f in lexical.findings]
        scores: dict[str, float] = {}
        if meta_clauses:
            scores["meta_talk"] = float(meta_clauses)

        gate: GateScores | None = None
        classified: tuple[Category, float] | None = None
        # A lexical block is final; the embedding would only cost time.
        if self.gate is not None and not any(f.decision == Decision.BLOCK for f in findings):
            # The embedding reads what the request asks for: without injection phrases ("the filter
            # is off") and clauses that speak to the filter, which the classifier never saw and which
            # would only dilute the request; injection has its own rule below.
            asked = self.lexicon.strip_injection(request.canonical) if lexical.injection else request.canonical
            gate = self.gate.score(asked)
            harm: float | None = None
            embedding = gate.embedding
            if self.classifier is not None and embedding is not None:
                # The probability of harm (1 - benign), judged against the likeliest category's limits.
                category, harm = self.classifier.harm(embedding)
                classified = (category, harm)
                scores["classifier:harm"] = harm
                limits = p.categories[category]
                if category in lexical.excused:
                    # The lexicon judged this category's words in context; where the policy says a
                    # context is weak evidence ("a comic of a man stabbing a woman over and over"),
                    # a sure reading still holds the prompt for a moderator.
                    if limits.context_holds and harm >= limits.classifier_block:
                        findings.append(_Finding(Decision.REVIEW, category, harm,
                                                 f"classifier:{category.value}>=block,in context"))  # fmt: skip
                elif harm >= limits.classifier_block and category not in lexical.safe:
                    findings.append(_Finding(Decision.BLOCK, category, harm, f"classifier:{category.value}>=block"))
                elif category in lexical.safe:
                    # In a safe context ("a suicide prevention billboard", "a kitchen", "a paramedic")
                    # the classifier acts one step down: a sure reading holds the prompt, no more (v11;
                    # before, a reading at the review threshold held it too); since v11n "sure" there
                    # means at least `safe_context_hold`.
                    if harm >= max(limits.classifier_block, p.safe_context_hold):
                        findings.append(_Finding(Decision.REVIEW, category, harm,
                                                 f"classifier:{category.value}>=block,safe context"))  # fmt: skip
                elif harm >= limits.classifier_review:
                    findings.append(_Finding(Decision.REVIEW, category, harm, f"classifier:{category.value}>=review"))
            for category, s in gate.categories.items():
                scores[category.value] = s
                limits = p.categories[category]
                if category in lexical.excused:
                    continue  # the lexicon judged this category's words in context ("nude" in a life class)
                if s - gate.benign[category] < p.benign_margin:
                    continue  # a benign look-alike is nearly as close: not evidence
                if harm is not None and harm < p.gate_review_harm:
                    continue  # the nearest exemplar shares the subject, the classifier reads no harm
                if limits.gate_context_holds and category in lexical.safe and s >= limits.embed_block:
                    # In a safe context ("soviet propaganda posters in a museum"), where the policy says
                    # so, the nearest exemplar acts one step down, as the classifier does (v11g).
                    findings.append(
                        _Finding(Decision.REVIEW, category, s, f"embedding:{category.value}>=block,safe context")
                    )
                elif s >= limits.embed_block and (harm is None or harm >= p.gate_block_harm):
                    findings.append(_Finding(Decision.BLOCK, category, s, f"embedding:{category.value}>=block"))
                elif s >= limits.embed_review:
                    findings.append(_Finding(Decision.REVIEW, category, s, f"embedding:{category.value}>=review"))

        # The category with the strongest evidence, even if too weak to act on alone.
        leaning = self._leaning(gate, findings, lexical.excused, classified)

        if lexical.injection:
            scores[Category.INJECTION.value] = 1.0
            if leaning is not None:
                findings.append(_Finding(p.injection_with_content, leaning, 1.0, "injection+content"))
            else:
                findings.append(_Finding(p.injection_alone, Category.INJECTION, 1.0, "injection"))
        elif meta_clauses and leaning is not None and p.meta_talk_with_content != Decision.ALLOW:
            findings.append(_Finding(p.meta_talk_with_content, leaning, 1.0, "meta_talk+content"))

        soup = (
            gibberish_score(norm.folded, self.vocab, p.gibberish_known, p.gibberish_min_words,
                            p.gibberish_known_endings)
            if self.vocab
            else 0
        )  # fmt: skip
        if soup:
            scores[Category.GIBBERISH.value] = soup
        if soup >= p.gibberish_block:
            findings.append(_Finding(Decision.BLOCK, Category.GIBBERISH, soup, "gibberish>=block"))
        elif soup >= p.gibberish_review:
            if leaning is not None:
                findings.append(_Finding(Decision.BLOCK, leaning, soup, "gibberish+content"))
            else:
                findings.append(_Finding(Decision.REVIEW, Category.GIBBERISH, soup, "gibberish>=review"))

        # Obfuscation is itself evidence: a disguised prompt that leans towards a category is held or
        # blocked, as the policy says.
        tricks = [t for t in norm.tricks if t in ("homoglyph", "invisible", "leet", "split")]
        if tricks and leaning is not None:
            findings.append(_Finding(p.obfuscation_with_content, leaning, scores.get(leaning.value, 1.0),
                                     "obfuscated+content"))  # fmt: skip

        if not findings:
            return Verdict(Decision.ALLOW, Category.NONE, 0.0, Stage.PROMPT, p.version, (), scores)
        verdicts = [
            Verdict(f.decision, f.category, f.score, Stage.PROMPT, p.version, (f.reason,), scores) for f in findings
        ]
        top = strictest(verdicts)
        reasons = tuple(dict.fromkeys(f.reason for f in findings if f.decision == top.decision))
        return Verdict(top.decision, top.category, top.score, Stage.PROMPT, p.version, reasons, scores)

    def _request(self, norm: Normalized) -> tuple[Normalized, int]:
        """The prompt without its clauses that speak to the filter (`MetaTalk`), and how many there
        were. A prompt that is all such talk is kept whole: there is nothing else to read."""
        if not self.lexicon.meta_talk.may_occur(norm.views):
            return norm, 0  # the common case: no clause to normalise on its own
        pieces = clauses(norm.folded)
        if len(pieces) < 2:
            return norm, 0
        meta = self.lexicon.meta_talk_clauses([normalize(c, self.words).canonical for c in pieces])
        if not any(meta) or all(meta):
            return norm, 0
        kept = ", ".join(c for c, m in zip(pieces, meta, strict=True) if not m)
        return normalize(kept, self.words), sum(meta)

    def _leaning(self, gate: GateScores | None, findings: list[_Finding], excused: set[Category],
                 classified: tuple[Category, float] | None) -> Category | None:  # fmt: skip
        """The category the evidence points to, even if too weak to act on alone: findings first,
        then words the lexicon excused by context, then embedding scores near a review threshold,
        then the classifier's likeliest category where its probability of harm reaches `leaning_harm`."""
        if findings:
            return max(findings, key=lambda f: (f.decision.severity, f.score)).category
        if excused:
            return sorted(excused)[0]
        if gate is not None:
            fraction = self.policy.injection_content_fraction
            near = {
                c: s
                for c, s in gate.categories.items()
                if s >= fraction * self.policy.categories[c].embed_review
                and s - gate.benign[c] >= self.policy.benign_margin
            }
            if near:
                return max(near, key=lambda c: near[c])
        if classified is not None and classified[1] >= self.policy.leaning_harm:
            return classified[0]
        return None


_lock = threading.Lock()


@functools.cache
def default_prompt_filter() -> PromptFilter:
    """The shipped policy with the embedding gate; built once per process (about a second)."""
    with _lock:
        return PromptFilter.load()


def screen_prompt(text: str) -> Verdict:
    """Screen one prompt with the shipped policy."""
    return default_prompt_filter().screen(text)
