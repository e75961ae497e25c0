"""MARC 21 without the database (pymarc 5.4): reading files, extracting the search fields,
the editable text form, field-level diffs and the automatic review checks.

Storage form: every version is ISO 2709 with UTF-8 (leader/09 = "a"). A UTF-8 ISO 2709
record is stored byte for byte as it came; a MARC-8 record is converted to Unicode once on
the way in (its leader/09 becomes "a"), and a MARCXML record is serialised to ISO 2709, so
every field, indicator and subfield survives, but not MARC-8 bytes or XML formatting.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError  # noqa: S405  (types only; parsing is defusedxml)

import pymarc
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.utils.translation import gettext as _
from pymarc import Field, Indicators, Leader, Record, Subfield
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import ValidationError as StdnumError

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
MAX_RECORD_BYTES = 99_999  # ISO 2709 has five digits for the record length
FIELD_TERMINATOR = b"\x1e"
RECORD_TERMINATOR = b"\x1d"


class MarcFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass
class ParsedRecord:
    """One record of a file: either `record` + `raw` (what to store) or an `error`."""

    number: int
    record: Record | None = None
    raw: bytes = b""
    control_number: str = ""
    error: str = ""
    warnings: list[str] = field(default_factory=list)


# --- reading files ---------------------------------------------------------------------------


def detect_syntax(data: bytes) -> str:
    """ "iso2709" or "marcxml", from the first bytes; MarcFileError for anything else."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    if not head:
        raise MarcFileError(_("The file is empty."))
    if head.startswith(b"<"):
        return "marcxml"
    if len(head) == 5 and head.isdigit():
        return "iso2709"
    raise MarcFileError(
        _("This is not a MARC file: expected ISO 2709 (starting with a five-digit record length) or MARCXML.")
    )


def read_marc_file(data: bytes) -> list[ParsedRecord]:
    """Split and parse a whole file. File-level problems (empty, not MARC, truncated, unsafe
    or malformed XML) raise MarcFileError; a bad record only gets an `error`."""
    syntax = detect_syntax(data)
    records = list(_read_marcxml(data) if syntax == "marcxml" else _read_iso2709(data))
    if not records:
        raise MarcFileError(_("The file contains no MARC records."))
    return records


def check_file(data: bytes) -> str:
    """The cheap whole-file checks an upload gets before it is queued: the syntax, complete
    records (ISO 2709) or safe, well-formed XML. Returns the syntax; MarcFileError otherwise."""
    syntax = detect_syntax(data)
    if syntax == "iso2709":
        if not split_iso2709(data):
            raise MarcFileError(_("The file contains no MARC records."))
    else:
        list(_read_marcxml(data))
    return syntax


def split_iso2709(data: bytes) -> list[bytes]:
    chunks: list[bytes] = []
    pos, size = 0, len(data)
    while pos < size:
        # Some tools put a line break after each record; it is not part of the record.
        while pos < size and data[pos : pos + 1] in (b"\r", b"\n", b"\x00", b" "):
            pos += 1
        if pos >= size:
            break
        end = data.find(RECORD_TERMINATOR, pos)
        if end == -1:
            raise MarcFileError(
                _(
                    "The file is truncated: record %(n)d has no end-of-record mark (it stops after %(bytes)d "
                    "bytes). Nothing was imported."
                )
                % {"n": len(chunks) + 1, "bytes": size - pos}
            )
        chunks.append(data[pos : end + 1])
        pos = end + 1
    return chunks


def _read_iso2709(data: bytes) -> Iterator[ParsedRecord]:
    for number, chunk in enumerate(split_iso2709(data), start=1):
        yield parse_iso2709_record(chunk, number)


def _structure_error(chunk: bytes) -> str:
    """Check leader and directory ourselves: pymarc's own messages name no position."""
    if len(chunk) < 25:
        return _("The record is shorter than a leader (24 bytes).")
    leader = chunk[:24]
    if not leader[:5].isdigit():
        return _("Leader positions 00-04 (record length) are not digits.")
    declared = int(leader[:5])
    if declared != len(chunk):
        return _("The leader gives a record length of %(declared)d bytes but the record has %(actual)d.") % {
            "declared": declared,
            "actual": len(chunk),
        }
    if not leader[12:17].isdigit():
        return _("Leader positions 12-16 (base address of data) are not digits.")
    base = int(leader[12:17])
    if base < 25 or base > len(chunk) or chunk[base - 1 : base] != FIELD_TERMINATOR:
        return _("The base address of data (%(base)d) does not point just after the directory.") % {"base": base}
    directory = chunk[24 : base - 1]
    if len(directory) % 12:
        return _("The directory length (%(n)d) is not a multiple of 12.") % {"n": len(directory)}
    data_length = len(chunk) - base
    for i in range(0, len(directory), 12):
        entry = directory[i : i + 12]
        if not entry[3:12].isdigit():
            return _("Directory entry %(n)d is not numeric.") % {"n": i // 12 + 1}
        length, start = int(entry[3:7]), int(entry[7:12])
        if start + length > data_length:
            return _("Field %(tag)s runs past the end of the record.") % {"tag": entry[:3].decode("latin-1")}
    return ""


def parse_iso2709_record(chunk: bytes, number: int = 1) -> ParsedRecord:
    parsed = ParsedRecord(number=number)
    parsed.control_number = _raw_control_number(chunk)
    error = _structure_error(chunk)
    if error:
        parsed.error = error
        return parsed
    utf8 = chunk[9:10] == b"a"
    try:
        record = Record(data=chunk, to_unicode=True, force_utf8=False, utf8_handling="strict", hide_utf8_warnings=True)
    except UnicodeDecodeError as exc:
        parsed.error = _("Invalid UTF-8 at byte %(pos)d although leader/09 says UTF-8.") % {"pos": exc.start}
        return parsed
    except Exception as exc:  # pymarc raises a dozen types for damaged records
        parsed.error = _("The record cannot be parsed: %(error)s") % {"error": exc}
        return parsed
    if utf8:
        parsed.raw = chunk
    else:
        # MARC-8: convert once, store as UTF-8 (see module docstring).
        try:
            parsed.raw = to_storage(record)
        except ValueError as exc:
            parsed.error = str(exc)
            return parsed
        record = record_from_storage(parsed.raw)
        parsed.warnings.append(_("Converted from MARC-8 to UTF-8."))
    parsed.record = record
    parsed.control_number = control_number(record)
    parsed.warnings.extend(encoding_problems(record))
    return parsed


def _raw_control_number(chunk: bytes) -> str:
    """The 001 of a record we may not be able to parse, for the error report."""
    try:
        base = int(chunk[12:17])
        directory = chunk[24 : base - 1]
        for i in range(0, len(directory), 12):
            if directory[i : i + 3] == b"001":
                length, start = int(directory[i + 3 : i + 7]), int(directory[i + 7 : i + 12])
                return chunk[base + start : base + start + length].rstrip(FIELD_TERMINATOR).decode("utf-8", "replace")
    except (ValueError, IndexError):
        pass
    return ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_marcxml(data: bytes) -> Iterator[ParsedRecord]:
    try:
        # forbid_dtd: MARCXML never needs a DTD, so any DOCTYPE (and with it every entity
        # trick: billion laughs, external entities/XXE) is refused before parsing.
        root = safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise MarcFileError(
            _("The XML declares a DTD or entities, which MARCXML never needs; the file was refused for safety.")
        ) from None
    except ParseError as exc:
        raise MarcFileError(_("The XML is not well-formed: %(error)s") % {"error": exc}) from None
    if _local(root.tag) == "record":
        elements = [root]
    elif _local(root.tag) == "collection":
        elements = [child for child in root if _local(child.tag) == "record"]
    else:
        raise MarcFileError(_("This XML is not MARCXML: the root element is <%(tag)s>.") % {"tag": _local(root.tag)})
    for number, element in enumerate(elements, start=1):
        yield parse_marcxml_record(element, number)


def parse_marcxml_record(element: Element, number: int = 1) -> ParsedRecord:
    parsed = ParsedRecord(number=number)
    record = Record(force_utf8=True)
    leader_seen = False
    try:
        for child in element:
            name = _local(child.tag)
            if name == "leader":
                text = child.text or ""
                if len(text) != 24:
                    raise ValueError(_("The leader has %(n)d characters instead of 24.") % {"n": len(text)})
                record.leader = Leader(text)
                leader_seen = True
            elif name == "controlfield":
                tag = _checked_tag(child.get("tag", ""))
                record.add_field(Field(tag=tag, data=child.text or ""))
            elif name == "datafield":
                tag = _checked_tag(child.get("tag", ""))
                subfields = [
                    Subfield(code=sub.get("code", ""), value=sub.text or "")
                    for sub in child
                    if _local(sub.tag) == "subfield"
                ]
                indicators = Indicators(child.get("ind1", " ") or " ", child.get("ind2", " ") or " ")
                record.add_field(Field(tag=tag, indicators=indicators, subfields=subfields))
        parsed.control_number = control_number(record)
        if not leader_seen:
            raise ValueError(_("The record has no leader."))
        parsed.raw = to_storage(record)
    except ValueError as exc:
        parsed.error = str(exc)
        return parsed
    parsed.record = record_from_storage(parsed.raw)
    parsed.warnings.extend(encoding_problems(parsed.record))
    return parsed


def _checked_tag(tag: str) -> str:
    if len(tag) != 3 or not tag.isalnum():
        raise ValueError(_("“%(tag)s” is not a valid MARC tag.") % {"tag": tag[:10]})
    return tag


# --- storage form ------------------------------------------------------------------------------


def to_storage(record: Record) -> bytes:
    """ISO 2709, UTF-8. ValueError when the record does not fit the format."""
    leader = str(record.leader)
    record.leader = Leader(leader[:9] + "a" + leader[10:])
    record.force_utf8 = True
    raw = record.as_marc()
    if len(raw) > MAX_RECORD_BYTES:
        raise ValueError(_("The record is %(n)d bytes; ISO 2709 allows at most 99,999.") % {"n": len(raw)})
    return raw


def record_from_storage(raw: bytes) -> Record:
    return Record(data=bytes(raw), to_unicode=True, force_utf8=True)


def records_to_iso2709(raws: Iterable[bytes]) -> Iterator[bytes]:
    for raw in raws:
        yield bytes(raw)


def records_to_marcxml(raws: Iterable[bytes]) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="' + MARCXML_NS.encode() + b'">\n'
    for raw in raws:
        yield pymarc.record_to_xml(record_from_storage(raw), namespace=False) + b"\n"
    yield b"</collection>\n"


# --- extraction ----------------------------------------------------------------------------------

_TRAILING_PUNCT = " /:;,.=+"
_ISBN_TOKEN = re.compile(r"[0-9Xx][0-9Xx\- ]{8,16}[0-9Xx]")
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")


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


# --- Chinese in full-text search -----------------------------------------------------------------


def cjk_bigrams(text: str) -> str:
    """Chinese has no spaces, so PostgreSQL's parser makes one token of a whole run of
    characters. Indexing (and querying) overlapping character pairs instead, as Lucene's CJK
    analyzer does, lets "信息检索" match "中文信息检索系统" without a Chinese segmenter."""

    def pairs(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return " ".join(_CJK.sub(pairs, text or "").split())


# --- the editable text form (MARC mnemonic, one field a line) ------------------------------


def record_to_text(record: Record) -> str:
    """`LDR …` then `245 10 $aTitle /$cAuthor.`; blank indicators are `#`, `$` in data `{dollar}`."""
    lines = [f"LDR {record.leader}"]
    for f in record.fields:
        if f.is_control_field():
            lines.append(f"{f.tag} {f.data}")
        else:
            ind = (f.indicator1 or " ") + (f.indicator2 or " ")
            subs = "".join(f"${sf.code}{sf.value.replace('$', '{dollar}')}" for sf in f.subfields)
            lines.append(f"{f.tag} {ind.replace(' ', '#')} {subs}")
    return "\n".join(lines)


def record_from_text(text: str) -> Record:
    """Parse `record_to_text` output; ValueError names the line that is wrong."""
    record = Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    seen_field = False
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        tag, body = line[:3], line[4:]
        if tag == "LDR":
            leader = body.ljust(24)[:24]
            record.leader = Leader(leader)
            continue
        if len(tag) != 3 or not tag.isalnum() or (len(line) > 3 and line[3] != " "):
            raise ValueError(_("Line %(n)d: start with a three-character tag and a space.") % {"n": number})
        if tag < "010" and tag.isdigit():
            record.add_field(Field(tag=tag, data=body))
        else:
            if len(body) < 4 or body[2] != " " or not body[3:].startswith("$"):
                raise ValueError(_("Line %(n)d: write two indicators (# for blank), a space, then $a…") % {"n": number})
            ind = body[:2].replace("#", " ")
            subfields = [
                Subfield(code=part[0], value=part[1:].replace("{dollar}", "$")) for part in body[4:].split("$") if part
            ]
            record.add_field(Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields))
        seen_field = True
    if not seen_field:
        raise ValueError(_("The record has no fields."))
    return record


# --- comparing -------------------------------------------------------------------------------------


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


# --- automatic review checks ---------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    level: str  # "error" or "warning"
    message: str


# Unicode category Cc is exactly these two ranges; a regex is ~20x faster than
# unicodedata.category per character, which dominated the import profile.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def encoding_problems(record: Record) -> list[str]:
    problems = []
    for f in record.fields:
        values = [f.data or ""] if f.is_control_field() else [sf.value for sf in f.subfields]
        text = "".join(values)
        if "\ufffd" in text:
            problems.append(_("Field %(tag)s contains characters that could not be decoded (U+FFFD).") % {"tag": f.tag})
        elif _CONTROL.search(text):
            problems.append(_("Field %(tag)s contains control characters.") % {"tag": f.tag})
    return problems


def record_checks(record: Record) -> list[Check]:
    """What the union-catalog quality team checks before sharing a record."""
    checks: list[Check] = []
    leader = str(record.leader)
    if not record.get_fields("245"):
        checks.append(Check("error", _("The title (245) is missing.")))
    if not record.get_fields("260", "264"):
        checks.append(Check("error", _("The publication statement (260 or 264) is missing.")))
    is_book = leader[6:7] in {"a", "t"} and leader[7:8] in {"m", "a", " "}
    isbn_values = [v for f in record.get_fields("020") for v in _subfields(f, "a")]
    if is_book and not isbn_values:
        checks.append(Check("error", _("A book needs an ISBN (020 $a).")))
    for value in isbn_values:
        problem = isbn_problem(value)
        if problem:
            checks.append(Check("error", problem))
    for f in record.get_fields("022"):
        for value in _subfields(f, "a"):
            if not normalize_issn(value):
                checks.append(Check("error", _("ISSN %(value)s is not valid.") % {"value": value}))
    if not record.get_fields("008"):
        checks.append(Check("warning", _("The fixed-length data elements (008) are missing.")))
    checks.extend(Check("error", message) for message in encoding_problems(record))
    return checks


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


def marcxml_bytes(raw: bytes) -> bytes:
    buffer = io.BytesIO()
    for chunk in records_to_marcxml([raw]):
        buffer.write(chunk)
    return buffer.getvalue()
