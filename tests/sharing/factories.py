"""A small resource-sharing network built with factories (no seed_demo): the four demo
offices with their agencies and one staff member each, a head at east, a client, a partner,
and a shared book held (lendable) by home and riverside."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cataloging.models import BibRecord, Holding
from office.models import Position
from sharing.models import Agency, SharingRequest
from tests import factories
from tests.cataloging.factories import make_record

BOOK_ISBN = "9787040000016"


@dataclass
class Net:
    agencies: dict[str, Agency]
    users: dict[str, Any]
    record: BibRecord
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name in self.users:
            return self.users[name]
        raise AttributeError(name)


def network(*, rule: str = "cheapest") -> Net:
    offices = {code: factories.office(code) for code in ("home", "east", "riverside", "north")}
    fees = {"home": 1000, "east": 1200, "riverside": 1500, "north": 800}
    ids = {"home": "CN-HOME", "east": "CN-EAST", "riverside": "CN-RIVER", "north": "CN-NORTH"}
    agencies = {
        code: Agency.objects.create(
            agency_id=ids[code],
            organization=office,
            name=office.name,
            rota_rule=rule,
            loan_fee_minor=fees[code],
            copy_fee_minor=500,
            page_fee_minor=30,
            urgent_fee_minor=700,
        )
        for code, office in offices.items()
    }
    agencies["partner"] = Agency.objects.create(agency_id="CN-PARTNER", name="Partner", is_partner=True, iso_address="")
    users = {
        "home": factories.staff("ill_home", organization=offices["home"]),
        "east": factories.staff("ill_east", organization=offices["east"]),
        "east_head": factories.staff("ill_east_head", organization=offices["east"], role=Position.Role.HEAD),
        "riverside": factories.staff("ill_river", organization=offices["riverside"]),
        "river_head": factories.staff("ill_river_head", organization=offices["riverside"], role=Position.Role.HEAD),
        "north": factories.staff("ill_north", organization=offices["north"]),
        "client": factories.client_user("ill_client", email="client@example.com"),
    }
    record = make_record(offices["home"], status=BibRecord.Status.APPROVED, title="电子商务概论", isbn=BOOK_ISBN)
    for code in ("home", "riverside"):
        Holding.objects.create(record=record, organization=offices[code], call_number="F713.36", location="Stacks")
    return Net(agencies=agencies, users=users, record=record)


def loan(net: Net, **kw: Any) -> SharingRequest:
    from sharing import actions

    return actions.request_create(actor=net.east, service_type="loan", record_id=net.record.pk, **kw)


def copy(net: Net, **kw: Any) -> SharingRequest:
    from sharing import actions

    kw.setdefault("pages", "10-19")
    kw.setdefault("article_title", "Chapter 3")
    kw.setdefault("copyright_declared", True)
    return actions.request_create(actor=net.east, service_type="copy", record_id=net.record.pk, **kw)


def pdf_upload(name: str = "scan.pdf", body: bytes = b"%PDF-1.4\n% scan\n%%EOF\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def not_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")


def bytes_of(response: Any) -> bytes:
    buffer = io.BytesIO()
    for chunk in response.streaming_content:
        buffer.write(chunk)
    return buffer.getvalue()
