"""The error-correcting code under the watermark: the extended binary Golay code G24 (24, 12, 8).

Every 12 payload bits become 24 coded bits; any 3 bit errors in a 24-bit word are corrected and 4
are detected (MacWilliams & Sloane, "The Theory of Error-Correcting Codes", 1977, ch. 2 §6). The
code is systematic: a codeword is the 12 message bits followed by 12 parity bits `m·B (mod 2)`.
Decoding looks the syndrome up in a table of every error pattern of weight ≤ 3 (2325 of them).
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np

MESSAGE_BITS = 12
WORD_BITS = 24
CORRECTS = 3

# B of the systematic generator [I | B]: rows 0..10 are cyclic shifts of the quadratic-residue
# pattern mod 11 with a 1 appended, row 11 is all ones but the last. B is symmetric and B·B = I.
_FIRST_ROW = (1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0)
B = np.array(
    [[*np.roll(_FIRST_ROW, -i), 1] for i in range(11)] + [[1] * 11 + [0]],
    dtype=np.uint8,
)


class UncorrectableError(ValueError):
    """A 24-bit word with more bit errors than the code can correct (4 or more)."""


def encode(message: np.ndarray) -> np.ndarray:
    """12·k bits (0/1) → 24·k coded bits, word by word."""
    m = _as_words(message, MESSAGE_BITS)
    return np.concatenate([m, m @ B % 2], axis=1).astype(np.uint8).reshape(-1)


def decode(coded: np.ndarray) -> tuple[np.ndarray, int]:
    """24·k received bits → (12·k message bits, number of bit errors corrected).

    Raises UncorrectableError when a word is at distance ≥ 4 from every codeword.
    """
    words = _as_words(coded, WORD_BITS)
    table = _syndrome_table()
    message = []
    corrected = 0
    for i, word in enumerate(words):
        syndrome = _syndrome(word)
        error = table.get(syndrome)
        if error is None:
            raise UncorrectableError(f"word {i} of {len(words)} has 4 or more bit errors")
        fixed = word ^ error
        corrected += int(error.sum())
        message.append(fixed[:MESSAGE_BITS])
    return np.concatenate(message).astype(np.uint8), corrected


def _as_words(bits: np.ndarray, width: int) -> np.ndarray:
    bits = np.asarray(bits, dtype=np.uint8).reshape(-1)
    if bits.size % width or np.any(bits > 1):
        raise ValueError(f"expected a multiple of {width} bits, each 0 or 1; got {bits.size} values")
    return bits.reshape(-1, width)


def _syndrome(word: np.ndarray) -> int:
    # H = [B | I] because B is symmetric; the syndrome of a codeword is zero.
    s = (word[:MESSAGE_BITS] @ B + word[MESSAGE_BITS:]) % 2
    return int("".join(map(str, s)), 2)


@cache
def _syndrome_table() -> dict[int, np.ndarray]:
    table: dict[int, np.ndarray] = {}
    for weight in range(CORRECTS + 1):
        for positions in combinations(range(WORD_BITS), weight):
            error = np.zeros(WORD_BITS, dtype=np.uint8)
            error[list(positions)] = 1
            table[_syndrome(error)] = error
    return table


def decode_soft(scores: np.ndarray, flips: int = 4) -> tuple[np.ndarray, int]:
    """Soft-decision decoding (Chase 1972, "algorithm 2"): `scores` in [0, 1] per coded bit.

    1. Take hard decisions (score > 0.5) and find the `flips` least reliable bits of each word.
    2. Hard-decode every pattern of flips of those bits.
    3. Keep the codeword closest to the scores (sum of |score − bit|).
    Returns (message bits, bit errors corrected against the hard decisions).
    """
    words = np.asarray(scores, dtype=np.float64).reshape(-1, WORD_BITS)
    message = []
    corrected = 0
    for i, word in enumerate(words):
        hard = (word > 0.5).astype(np.uint8)
        weakest = np.argsort(np.abs(word - 0.5), kind="stable")[:flips]
        best: tuple[float, np.ndarray] | None = None
        for pattern in range(1 << flips):
            trial = hard.copy()
            for j, position in enumerate(weakest):
                trial[position] ^= (pattern >> j) & 1
            error = _syndrome_table().get(_syndrome(trial))
            if error is None:
                continue
            codeword = trial ^ error
            cost = float(np.abs(word - codeword).sum())
            if best is None or cost < best[0]:
                best = (cost, codeword)
        if best is None:
            raise UncorrectableError(f"word {i} of {len(words)} is far from every codeword")
        corrected += int((best[1] != hard).sum())
        message.append(best[1][:MESSAGE_BITS])
    return np.concatenate(message).astype(np.uint8), corrected
