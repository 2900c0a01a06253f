"""The Golay code under the watermark: distance 8, corrects any 3 errors, detects 4."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from muralist.finishing import ecc


def test_every_pair_of_codewords_differs_in_at_least_8_bits() -> None:
    messages = np.array(list(itertools.product([0, 1], repeat=12)), dtype=np.uint8)
    codewords = ecc.encode(messages.reshape(-1)).reshape(-1, 24)
    assert (codewords[:, :12] == messages).all()  # systematic
    weights = codewords.sum(axis=1)  # a linear code: minimum distance = minimum nonzero weight
    assert weights[1:].min() == 8


def test_any_three_bit_errors_per_word_are_corrected_and_four_are_detected() -> None:
    rng = np.random.default_rng(0)
    message = rng.integers(0, 2, 60).astype(np.uint8)
    coded = ecc.encode(message)
    for _ in range(200):
        received = coded.copy()
        for word in range(5):
            flips = rng.choice(24, size=int(rng.integers(0, 4)), replace=False)
            received[word * 24 + flips] ^= 1
        decoded, corrected = ecc.decode(received)
        assert (decoded == message).all()
        assert corrected == int((received != coded).sum())
    received = coded.copy()
    received[[1, 5, 9, 20]] ^= 1
    with pytest.raises(ecc.UncorrectableError, match="word 0 of 5"):
        ecc.decode(received)


def test_soft_decoding_fixes_four_errors_on_the_least_reliable_bits() -> None:
    message = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0], dtype=np.uint8)
    coded = ecc.encode(message)
    scores = np.where(coded == 1, 0.9, 0.1)
    for position in (2, 7, 13, 22):  # four wrong, but each only just over the threshold
        scores[position] = 0.45 if coded[position] else 0.55
    with pytest.raises(ecc.UncorrectableError):
        ecc.decode((scores > 0.5).astype(np.uint8))
    decoded, corrected = ecc.decode_soft(scores)
    assert (decoded == message).all() and corrected == 4


def test_bits_must_come_in_whole_words() -> None:
    with pytest.raises(ValueError, match="multiple of 12 bits"):
        ecc.encode(np.ones(13, dtype=np.uint8))
