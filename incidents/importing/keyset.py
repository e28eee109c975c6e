"""Sets of 16-byte row keys held in sorted numpy runs: 16 bytes a key.

A Python set of a million keys takes about 130 MB; the loader remembers two keys per row
(fingerprint and external id), which alone would break the import's memory budget. A key is
two 64-bit words: an md5 digest, or an external id of up to 15 bytes written out in full.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from incidents.importing.prepare import md5

SHORT_ID_BYTES = 15


def digest_words(digests: list[bytes]) -> np.ndarray:
    """16-byte digests → an (n, 2) array of 64-bit words."""
    if not digests:
        return np.zeros((0, 2), dtype=np.uint64)
    return np.frombuffer(b"".join(digests), dtype="<u8").reshape(-1, 2).copy()


def id_words(external_ids: pa.Array) -> np.ndarray:
    """External ids → keys: ids of up to 15 bytes exactly (bytes, then the length), longer
    ones by their md5 digest."""
    raw = pc.cast(external_ids, pa.binary())
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    count = len(raw)
    lengths = pc.binary_length(raw).to_numpy(zero_copy_only=False).astype(np.int64)
    keys = np.zeros((count, 16), dtype=np.uint8)
    offsets = np.frombuffer(raw.buffers()[1], dtype=np.int32)[raw.offset : raw.offset + count]
    data = np.frombuffer(raw.buffers()[2] or b"", dtype=np.uint8)
    for position in range(SHORT_ID_BYTES):
        rows = np.flatnonzero((lengths > position) & (lengths <= SHORT_ID_BYTES))
        keys[rows, position] = data[offsets[rows] + position]
    keys[:, 15] = np.minimum(lengths, 255)
    for row in np.flatnonzero(lengths > SHORT_ID_BYTES):  # rare in police and open data
        keys[row] = np.frombuffer(md5(raw[row].as_py()).digest(), dtype=np.uint8)
    return keys.view("<u8").reshape(-1, 2)


def _mix(words: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: spreads ids that differ only in a few bytes over all 64 bits."""
    mixed = words ^ (words >> np.uint64(30))
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    mixed ^= mixed >> np.uint64(27)
    mixed *= np.uint64(0x94D049BB133111EB)
    return mixed ^ (mixed >> np.uint64(31))


def _spread(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first ^ mix(second), second): one-to-one, and the first half now varies from key to
    key even for ids such as SYN-00000001, SYN-00000002 whose first eight bytes agree."""
    return words[:, 0] ^ _mix(words[:, 1]), words[:, 1]


class _Run:
    """Keys sorted by their (spread) first word; ``shared`` when two keys have the same one."""

    def __init__(self, high: np.ndarray, low: np.ndarray) -> None:
        order = np.argsort(high, kind="stable")  # timsort: linear on merged sorted runs
        self.high, self.low = high[order], low[order]
        self.shared = bool(len(order) > 1 and (np.diff(self.high) == 0).any())

    def contains(self, high: np.ndarray, low: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(self.high, high), len(self.high) - 1)
        found = (self.high[at] == high) & (self.low[at] == low)
        if self.shared:  # keys with the same first word sit together: look at all of them
            for position in np.flatnonzero((self.high[at] == high) & ~found):
                stop = np.searchsorted(self.high, high[position], side="right")
                found[position] = bool((self.low[at[position] : stop] == low[position]).any())
        return found


class KeySet:
    def __init__(self) -> None:
        self._runs: list[_Run] = []  # merged as they come, so there are O(log n) of them

    def __len__(self) -> int:
        return sum(len(run.high) for run in self._runs)

    def contains(self, words: np.ndarray) -> np.ndarray:
        """For each key (row of ``words``), whether the set holds it."""
        found = np.zeros(len(words), dtype=bool)
        if not len(words) or not self._runs:
            return found
        high, low = _spread(words)
        # Sorted needles walk each run in order: far fewer cache misses on a large run.
        order = np.argsort(high)
        high, low = high[order], low[order]
        for run in self._runs:
            found[order] |= run.contains(high, low)
        return found

    def add(self, words: np.ndarray) -> None:
        if not len(words):
            return
        self._runs.append(_Run(*_spread(words)))
        while len(self._runs) > 1 and len(self._runs[-2].high) <= 2 * len(self._runs[-1].high):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(
                _Run(
                    np.concatenate([older.high, newer.high]), np.concatenate([older.low, newer.low])
                )
            )
