"""A set of 16-byte keys (md5 digests) held in sorted numpy runs: 16 bytes a key.

A Python set of a million digests takes about 130 MB; the loader remembers two kinds of key
per row (fingerprint and external id), which alone would break the import's memory budget.
"""

from __future__ import annotations

import numpy as np


def split_keys(keys: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Digests → (high, low) 64-bit halves."""
    words = np.frombuffer(b"".join(keys), dtype="<u8").reshape(-1, 2)
    return words[:, 0].copy(), words[:, 1].copy()


class _Run:
    """Keys sorted by their high half; ``shared`` when two keys have the same high half."""

    def __init__(self, high: np.ndarray, low: np.ndarray) -> None:
        order = np.argsort(high, kind="stable")  # timsort: linear on two merged sorted runs
        self.high, self.low = high[order], low[order]
        self.shared = bool(len(high) > 1 and (np.diff(self.high) == 0).any())

    def contains(self, high: np.ndarray, low: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(self.high, high), len(self.high) - 1)
        found = (self.high[at] == high) & (self.low[at] == low)
        if self.shared:  # about never: a second key with the same high half may follow
            for position in np.flatnonzero((self.high[at] == high) & ~found):
                stop = np.searchsorted(self.high, high[position], side="right")
                found[position] = bool((self.low[at[position] : stop] == low[position]).any())
        return found


class DigestSet:
    def __init__(self) -> None:
        self._runs: list[_Run] = []  # merged as they come, so there are O(log n) of them

    def __len__(self) -> int:
        return sum(len(run.high) for run in self._runs)

    def contains(self, keys: list[bytes]) -> np.ndarray:
        """For each key, whether the set holds it."""
        found = np.zeros(len(keys), dtype=bool)
        if not keys or not self._runs:
            return found
        high, low = split_keys(keys)
        # Sorted needles walk each run in order: far fewer cache misses on a large run.
        order = np.argsort(high)
        high, low = high[order], low[order]
        for run in self._runs:
            found[order] |= run.contains(high, low)
        return found

    def add(self, keys: list[bytes]) -> None:
        if not keys:
            return
        self._runs.append(_Run(*split_keys(keys)))
        while len(self._runs) > 1 and len(self._runs[-2].high) <= 2 * len(self._runs[-1].high):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(
                _Run(
                    np.concatenate([older.high, newer.high]), np.concatenate([older.low, newer.low])
                )
            )
