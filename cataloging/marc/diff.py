"""Comparing two records field by field (the versions page, duplicates, re-import)."""

from __future__ import annotations

from dataclasses import dataclass

from pymarc import Record

from cataloging.marc.text import record_to_text


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal", "change", "add", "del"
    left: str
    right: str


def _comparable_lines(record: Record | None) -> list[str]:
    if record is None:
        return []
    # Leader positions 00-04 and 12-16 are lengths computed on output, not content.
    leader = str(record.leader)
    masked = "LDR " + "#####" + leader[5:12] + "#####" + leader[17:]
    return [masked] + record_to_text(record).splitlines()[1:]


def field_diff(old: Record | None, new: Record | None) -> list[DiffRow]:
    """Side-by-side, one MARC field a row."""
    import difflib

    left, right = _comparable_lines(old), _comparable_lines(new)
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_opcodes():
        if op == "equal":
            rows.extend(DiffRow("equal", a, a) for a in left[i1:i2])
        elif op == "delete":
            rows.extend(DiffRow("del", a, "") for a in left[i1:i2])
        elif op == "insert":
            rows.extend(DiffRow("add", "", b) for b in right[j1:j2])
        else:
            olds, news = left[i1:i2], right[j1:j2]
            for k in range(max(len(olds), len(news))):
                a = olds[k] if k < len(olds) else ""
                b = news[k] if k < len(news) else ""
                rows.append(DiffRow("change" if a and b else ("del" if a else "add"), a, b))
    return rows


def fields_equal(a: Record, b: Record) -> bool:
    return _comparable_lines(a) == _comparable_lines(b)
