"""Extraction: the search columns, identifiers and match key of a record; ISBN and ISSN checks."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _
from pymarc import Field, Record
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import ValidationError as StdnumError

_TRAILING_PUNCT = " /:;,.=+"
_ISBN_TOKEN = re.compile(r"[0-9Xx][0-9Xx\- ]{8,16}[0-9Xx]")
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")


def _subfields(field: Field, codes: str) -> list[str]:
    return [sf.value for sf in field.subfields if sf.code in codes]


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(_TRAILING_PUNCT)


def control_number(record: Record) -> str:
    fields = record.get_fields("001")
    return fields[0].data.strip() if fields and fields[0].data else ""


def normalize_isbn(value: str) -> str:
    """ISBN-13 without hyphens, or "" when `value` is not a valid ISBN (10 or 13)."""
    match = _ISBN_TOKEN.search(value or "")
    if not match:
        return ""
    try:
        return stdnum_isbn.compact(stdnum_isbn.to_isbn13(stdnum_isbn.validate(match.group(0))))
    except StdnumError:
        return ""


def isbn_problem(value: str) -> str:
    """Why `value` is not a valid ISBN ("" if it is)."""
    match = _ISBN_TOKEN.search(value or "")
    if not match:
        return _("“%(value)s” does not look like an ISBN.") % {"value": value}
    try:
        stdnum_isbn.validate(match.group(0))
    except StdnumError as exc:
        return _("ISBN %(value)s: %(error)s") % {"value": match.group(0), "error": exc.message}
    return ""


def normalize_issn(value: str) -> str:
    try:
        return stdnum_issn.format(stdnum_issn.validate((value or "").split()[0]))
    except (StdnumError, IndexError):
        return ""


FORMATS = {
    "a": "book",
    "t": "book",
    "e": "map",
    "f": "map",
    "c": "music",
    "d": "music",
    "g": "video",
    "i": "sound",
    "j": "sound",
    "m": "electronic",
    "p": "mixed",
}


def record_format(leader: str) -> str:
    kind, level = leader[6:7], leader[7:8]
    if kind in {"a", "t"} and level in {"b", "i", "s"}:
        return "serial"
    if kind == "t" and level in {"m", " "}:
        return "manuscript"
    return FORMATS.get(kind, "other")


def extract(record: Record) -> dict[str, object]:
    """The search columns of `BibRecord` and the identifiers, from one MARC record."""
    leader = str(record.leader)
    title = responsibility = ""
    for f in record.get_fields("245")[:1]:
        title = _clean(" ".join(_subfields(f, "abnp")))
        responsibility = _clean(" ".join(_subfields(f, "c")))
    authors: list[str] = []
    for f in record.get_fields("100", "110", "111", "700", "710", "711"):
        name = _clean(" ".join(_subfields(f, "aq" if f.tag.endswith("00") else "ab")))
        if name and name not in authors:
            authors.append(name)
    isbns: list[str] = []
    for f in record.get_fields("020"):
        for value in _subfields(f, "a"):
            normal = normalize_isbn(value)
            if normal and normal not in isbns:
                isbns.append(normal)
    issns = [n for f in record.get_fields("022") for v in _subfields(f, "a") if (n := normalize_issn(v))]
    publisher = ""
    pub_fields = [f for f in record.get_fields("264") if f.indicator2 == "1"] or record.get_fields("260", "264")
    for f in pub_fields[:1]:
        publisher = _clean(" ".join(_subfields(f, "b")))
    year = None
    fixed = record.get_fields("008")
    data008 = fixed[0].data if fixed and fixed[0].data else ""
    if data008[7:11].isdigit():
        year = int(data008[7:11])
    else:
        for f in pub_fields[:1]:
            found = _YEAR.search(" ".join(_subfields(f, "c")))
            year = int(found.group(1)) if found else None
    # 008/35-37 is a three-letter MARC language code; anything else (a short or shifted
    # 008 — the demo once wrote "hi" for "chi") is not a language: 041 $a is asked instead.
    language = data008[35:38] if len(data008) >= 38 else ""
    if not (len(language) == 3 and language.isascii() and language.isalpha()):
        language = next((v[:3] for f in record.get_fields("041") for v in _subfields(f, "a")), "")
    clc = ""
    for f in record.get_fields("093", "084"):
        source = " ".join(_subfields(f, "2")).lower()
        if f.tag == "093" or "clc" in source or "中图" in source:
            clc = _clean(" ".join(_subfields(f, "a")))
            break
    dewey = next((_clean(v) for f in record.get_fields("082") for v in _subfields(f, "a")), "")
    subjects: list[str] = []
    for f in record.get_fields("600", "610", "611", "630", "650", "651"):
        heading = "--".join(_clean(v) for v in _subfields(f, "abcdvxyz") if _clean(v))
        if heading and heading not in subjects:
            subjects.append(heading)
    system_numbers = [v.strip() for f in record.get_fields("035") for v in _subfields(f, "a") if v.strip()]
    values = {
        "control_number": control_number(record)[:100],
        "title": title[:1000],
        "responsibility": responsibility[:1000],
        "authors": "\n".join(authors),
        "isbn": isbns[0] if isbns else "",
        "issn": issns[0] if issns else "",
        "publisher": publisher[:500],
        "year": year if year and 0 < year < 32767 else None,
        "language": language.lower()[:3],
        "format": record_format(leader),
        "clc": clc[:100],
        "dewey": dewey[:100],
        "subjects": "\n".join(subjects),
        "match_key": match_key(title, authors[0] if authors else "", year),
    }
    values["search_text"] = (
        " ".join(str(v) for k, v in values.items() if k not in {"match_key", "format", "year", "language"} and v)
        + " "
        + " ".join(isbns[1:])
    )
    identifiers = [("isbn", v) for v in isbns] + [("issn", v) for v in issns]
    if values["control_number"]:
        identifiers.append(("ctl", str(values["control_number"])))
    identifiers += [("sys", v[:100]) for v in dict.fromkeys(system_numbers)]
    return {"fields": values, "identifiers": identifiers}


def _key_part(text: str, size: int) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum())[:size]


def match_key(title: str, author: str, year: int | None) -> str:
    """A coarse title/author/year key for re-import matching and duplicate detection."""
    if not title:
        return ""
    surname = author.split(",")[0] if author else ""
    return f"{_key_part(title, 60)}|{_key_part(surname, 20)}|{year or ''}"
