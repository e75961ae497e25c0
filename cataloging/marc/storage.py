"""The storage form (ISO 2709, UTF-8) and the export streams built from it."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import pymarc
from django.utils.translation import gettext as _
from pymarc import Leader, Record

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
MAX_RECORD_BYTES = 99_999  # ISO 2709 has five digits for the record length


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


def marcxml_bytes(raw: bytes) -> bytes:
    buffer = io.BytesIO()
    for chunk in records_to_marcxml([raw]):
        buffer.write(chunk)
    return buffer.getvalue()
