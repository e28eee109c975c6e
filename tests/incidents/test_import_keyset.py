"""The loader's compact key sets behave like Python sets of keys."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

from incidents.importing.keyset import KeySet, digest_words, id_words


def _digests(values: range) -> list[bytes]:
    return [hashlib.md5(str(value).encode(), usedforsecurity=False).digest() for value in values]


def test_membership_matches_a_python_set_across_many_merged_runs() -> None:
    keys = KeySet()
    reference: set[bytes] = set()
    for start in range(0, 5000, 250):  # 20 runs, merged as they come
        batch = _digests(range(start, start + 250, 2))
        keys.add(digest_words(batch))
        reference.update(batch)
    probe = _digests(range(-100, 5100))

    assert keys.contains(digest_words(probe)).tolist() == [key in reference for key in probe]
    assert len(keys) == len(reference)


def test_keys_sharing_their_first_word_are_told_apart() -> None:
    twins = [bytes(8) + bytes([1]) * 8, bytes(8) + bytes([2]) * 8, bytes(8) + bytes([3]) * 8]
    keys = KeySet()
    keys.add(digest_words(twins[:2]))

    assert keys.contains(digest_words(twins)).tolist() == [True, True, False]
    assert keys.contains(digest_words([])).dtype == np.bool_


def test_external_ids_become_distinct_keys_short_or_long() -> None:
    ids = [
        "GO-20141263217",
        "GO-2014126321",  # a prefix of the one before
        "GO-20141263217\x00"[:-1],
        "ñandú-7",  # bytes, not characters, count
        "a" * 15,
        "a" * 16,  # the first one that goes by its digest
        "a" * 17,
        "x" * 100,
        "",
    ]
    words = id_words(pa.array(ids))

    distinct = {tuple(row) for row in words.tolist()}
    assert len(distinct) == len(set(ids)) == len(ids) - 1  # ids[2] repeats ids[0]
    assert id_words(pa.array(["a" * 16])).tolist() == [
        list(digest_words([hashlib.md5(b"a" * 16, usedforsecurity=False).digest()])[0])
    ]
    keys = KeySet()
    keys.add(words[:4])
    assert keys.contains(id_words(pa.array(ids))).tolist() == [True] * 4 + [False] * 5
