"""Showing a record: the readable MARC view and its electronic links (856)."""

from __future__ import annotations

import re

from pymarc import Record

from cataloging.marc.extraction import _subfields


def safe_link(url: str) -> str:
    """856 $u is shown as a link only when it is http(s); anything else stays plain text."""
    return url if re.match(r"^https?://[^\s<>\"']+$", url or "", re.IGNORECASE) else ""


def readable_fields(record: Record) -> list[tuple[str, str, str]]:
    """(tag, indicators, display text) per field, for the MARC view."""
    rows = []
    for f in record.fields:
        if f.is_control_field():
            rows.append((f.tag, "", f.data or ""))
        else:
            ind = ((f.indicator1 or " ") + (f.indicator2 or " ")).replace(" ", "#")
            rows.append((f.tag, ind, " ".join(f"‡{sf.code} {sf.value}" for sf in f.subfields)))
    return rows


def electronic_links(record: Record) -> list[tuple[str, str]]:
    """(url or "", label) for each 856 $u; url is "" when the scheme is not http(s)."""
    out = []
    for f in record.get_fields("856"):
        label = " ".join(_subfields(f, "3y")) or ""
        for value in _subfields(f, "u"):
            out.append((safe_link(value), label or value))
    return out
