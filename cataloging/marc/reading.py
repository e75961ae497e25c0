"""Reading MARC files: ISO 2709 and MARCXML, split and parsed record by record, each record
either stored (see the package docstring) or reported with what is wrong with it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError  # noqa: S405  (types only; parsing is defusedxml)

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.utils.translation import gettext as _
from pymarc import Field, Indicators, Leader, Record, Subfield

from cataloging.marc.checks import encoding_problems
from cataloging.marc.extraction import control_number
from cataloging.marc.storage import record_from_storage, to_storage

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
        # MARC-8: convert once, store as UTF-8 (see the package docstring, cataloging/marc/__init__.py).
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
