"""Test data for the union catalog: MARC records built with pymarc, records created through
the real actions (so versions, identifiers and search columns are all filled)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone
from pymarc import Field, Indicators, Record, Subfield

from cataloging import actions, marc
from cataloging.models import BibRecord, FeeSchedule


def make_marc(
    *,
    title: str = "Information retrieval",
    author: str = "Salton, Gerard",
    isbn: str | None = "9780070544840",
    year: int = 1983,
    publisher: str = "McGraw-Hill",
    language: str = "eng",
    control: str | None = None,
    clc: str = "",
    subjects: tuple[str, ...] = (),
    extra: tuple[Field, ...] = (),
    leader: str = "00000nam a2200000 i 4500",
) -> Record:
    record = Record(force_utf8=True, leader=leader)
    if control:
        record.add_field(Field(tag="001", data=control))
    record.add_field(Field(tag="008", data=f"240101s{year}    xx            000 0 {language} d"))
    if isbn:
        record.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn)]))
    if clc:
        record.add_field(
            Field(tag="084", indicators=Indicators(" ", " "), subfields=[Subfield("a", clc), Subfield("2", "clc")])
        )
    if author:
        record.add_field(Field(tag="100", indicators=Indicators("1", " "), subfields=[Subfield("a", author)]))
    record.add_field(
        Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title), Subfield("c", author)])
    )
    record.add_field(
        Field(
            tag="264",
            indicators=Indicators(" ", "1"),
            subfields=[Subfield("a", "New York :"), Subfield("b", publisher + ","), Subfield("c", str(year))],
        )
    )
    for subject in subjects:
        record.add_field(Field(tag="650", indicators=Indicators(" ", "0"), subfields=[Subfield("a", subject)]))
    for f in extra:
        record.add_field(f)
    return record


def make_raw(**kwargs: Any) -> bytes:
    return marc.to_storage(make_marc(**kwargs))


def make_record(organization: Any, *, status: str = BibRecord.Status.DRAFT, actor: Any = None, **kwargs: Any):
    """A record of `organization` in `status` (test set-up writes the status directly)."""
    record = actions.record_create(organization=organization, actor=actor, marc_record=make_marc(**kwargs))
    if status != BibRecord.Status.DRAFT:
        BibRecord.objects.filter(pk=record.pk).update(
            status=status,
            shared_at=timezone.now() if status == BibRecord.Status.APPROVED else None,
            submitted_by=actor if status != BibRecord.Status.DRAFT and actor else F("submitted_by"),
        )
        record.refresh_from_db()
    return record


def fee_schedule() -> FeeSchedule:
    """The standard fee schedule (¥2.00 a copied record, ¥5.00 credit a contribution) that
    migration 0002 writes; a database flushed by a transactional test has lost it."""
    schedule, _created = FeeSchedule.objects.get_or_create(
        valid_from=datetime.date(2020, 1, 1),
        defaults={
            "name": "Standard schedule",
            "currency": "CNY",
            "copy_fee_minor": 200,
            "contribution_credit_minor": 500,
        },
    )
    return schedule
