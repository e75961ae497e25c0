"""Shared parts of the two protocol endpoints (`sru.py`, `oai.py`): the records they may
publish, their current MARC, and XML built with ElementTree.

Only shared (approved) records ever leave through these endpoints: they are public
interfaces, like the public catalog page. Everything is built as an element tree and
serialised by ElementTree, which escapes text and attributes; characters XML 1.0 cannot
carry at all (C0 controls such as a stray MARC subfield delimiter) are dropped first,
because escaping cannot save them. Neither endpoint parses XML from the request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring  # noqa: S405 (output only)

from django.db.models import F, QuerySet
from pymarc import Record

from cataloging import marc
from cataloging.models import BibRecord, RecordVersion

MARC_NS = marc.MARCXML_NS
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# ElementTree's prefix registry is process-wide; these are the conventional prefixes.
for _prefix, _uri in {"dc": DC_NS, "xsi": XSI_NS, "marc": MARC_NS}.items():
    register_namespace(_prefix, _uri)

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value: Any) -> str:
    """Text XML 1.0 can carry: str() of the value without the characters it forbids."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def sub(parent: Element, name: str, text: Any = None, /, **attrib: Any) -> Element:
    """A child element; positional-only, so `tag=` and `code=` are free for MARCXML attributes."""
    element = SubElement(parent, name, {k: clean(v) for k, v in attrib.items()})
    if text is not None:
        element.text = clean(text)
    return element


def serialize(root: Element) -> bytes:
    # No default namespace: ElementTree cannot combine one with unprefixed attributes.
    return tostring(root, encoding="UTF-8", xml_declaration=True)


def shared_records() -> QuerySet[BibRecord]:
    return BibRecord.objects.shared().select_related("organization")


def current_marc(records: Iterable[BibRecord]) -> dict[int, Record]:
    """The current version of each record, parsed, in one query."""
    ids = [r.pk for r in records]
    versions = RecordVersion.objects.filter(record_id__in=ids, number=F("record__version")).values_list(
        "record_id", "marc"
    )
    return {record_id: marc.record_from_storage(bytes(raw)) for record_id, raw in versions}


def marcxml_element(record: Record) -> Element:
    """A MARCXML `<record>` in the MARC 21 slim namespace (every name qualified, so it can sit
    inside an SRU or OAI-PMH document whatever their default namespace)."""
    root = Element(f"{{{MARC_NS}}}record")
    sub(root, f"{{{MARC_NS}}}leader", str(record.leader))
    for field in record.fields:
        if field.is_control_field():
            sub(root, f"{{{MARC_NS}}}controlfield", field.data, tag=field.tag)
            continue
        datafield = sub(
            root, f"{{{MARC_NS}}}datafield", tag=field.tag, ind1=field.indicator1 or " ", ind2=field.indicator2 or " "
        )
        for subfield in field.subfields:
            sub(datafield, f"{{{MARC_NS}}}subfield", subfield.value, code=subfield.code)
    return root


def dc_fields(record: BibRecord) -> list[tuple[str, str]]:
    """Simple Dublin Core from the extracted columns (the MARC-to-DC crosswalk, abridged)."""
    fields: list[tuple[str, str]] = [("title", record.title)]
    fields += [("creator", author) for author in record.author_list]
    fields += [("subject", subject) for subject in record.subject_list]
    if record.clc:
        fields.append(("subject", record.clc))
    if record.dewey:
        fields.append(("subject", record.dewey))
    fields.append(("publisher", record.publisher))
    fields.append(("date", str(record.year) if record.year else ""))
    fields.append(("type", record.get_format_display()))
    fields.append(("language", record.language))
    if record.isbn:
        fields.append(("identifier", f"urn:isbn:{record.isbn}"))
    if record.issn:
        fields.append(("identifier", f"urn:issn:{record.issn}"))
    return [(name, value) for name, value in fields if value]


def dc_into(parent: Element, record: BibRecord) -> None:
    for name, value in dc_fields(record):
        sub(parent, f"{{{DC_NS}}}{name}", value)
