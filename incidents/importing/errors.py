from __future__ import annotations


class ImportFileError(Exception):
    """The file as a whole cannot be imported. Messages are bilingual and meant for a person."""

    def __init__(self, es: str, en: str) -> None:
        super().__init__(f"{es} / {en}")
        self.es = es
        self.en = en
