"""The loader's compact key set behaves like a Python set of digests."""

from __future__ import annotations

import hashlib

import numpy as np

from incidents.importing.keyset import DigestSet


def _digests(values: range) -> list[bytes]:
    return [hashlib.md5(str(value).encode(), usedforsecurity=False).digest() for value in values]


def test_membership_matches_a_python_set_across_many_merged_runs() -> None:
    keys = DigestSet()
    reference: set[bytes] = set()
    for start in range(0, 5000, 250):  # 20 runs, merged as they come
        batch = _digests(range(start, start + 250, 2))
        keys.add(batch)
        reference.update(batch)
    probe = _digests(range(-100, 5100))

    assert keys.contains(probe).tolist() == [key in reference for key in probe]
    assert len(keys) == len(reference)


def test_keys_sharing_their_first_eight_bytes_are_told_apart() -> None:
    twins = [bytes(8) + bytes([1]) * 8, bytes(8) + bytes([2]) * 8, bytes(8) + bytes([3]) * 8]
    keys = DigestSet()
    keys.add(twins[:2])

    assert keys.contains(twins).tolist() == [True, True, False]
    assert keys.contains([]).dtype == np.bool_
