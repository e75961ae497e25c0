"""Which records of a window match something already in the catalog (two queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from cataloging.models import BibRecord, RecordIdentifier


def _keys(extracted: dict[str, Any]) -> set[tuple[str, str]]:
    """What `selectors.record_match_for` matches on; all of it can only hit an own-office record in a window."""
    keys = {(scheme, value) for scheme, value in extracted["identifiers"] if scheme in {"ctl", "sys", "isbn"}}
    if extracted["fields"]["match_key"]:
        keys.add(("key", extracted["fields"]["match_key"]))
    return keys


def _matched(organization_id: int, key_sets: list[set[tuple[str, str]]]) -> set[tuple[str, str]]:
    """The keys among `key_sets` that some visible record already has (two queries)."""
    wanted: dict[str, set[str]] = {"ctl": set(), "sys": set(), "isbn": set(), "key": set()}
    for keys in key_sets:
        for scheme, value in keys:
            wanted[scheme].add(value)
    found: set[tuple[str, str]] = set()
    # Only (scheme, value) conditions in the OR, so the planner can answer each from the
    # (scheme, value) index; mixing in the record's office made it read the whole table.
    ident_q = Q()
    for scheme in ("ctl", "sys", "isbn"):
        if wanted[scheme]:
            ident_q |= Q(scheme=scheme, value__in=wanted[scheme])
    if ident_q:
        hits = (
            RecordIdentifier.objects.filter(ident_q)
            .filter(Q(record__organization_id=organization_id) | Q(record__status=BibRecord.Status.APPROVED))
            .values_list("scheme", "value", "record__organization_id")
        )
        # A control number (001) matches in the importing office only.
        found.update((s, v) for s, v, office in hits if s != "ctl" or office == organization_id)
    if wanted["key"]:
        keys = (
            BibRecord.objects.filter(Q(organization_id=organization_id) | Q(status=BibRecord.Status.APPROVED))
            .filter(match_key__in=wanted["key"])
            .values_list("match_key", flat=True)
        )
        found.update(("key", key) for key in keys)
    return found
