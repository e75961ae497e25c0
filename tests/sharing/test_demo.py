"""seed_demo's resource sharing: every office's borrowing and lending desk has something to
show, in several states, and the partner library has no security code unless one is given."""

from __future__ import annotations

from typing import Any

import pytest

from sharing import selectors
from sharing.models import Agency, SharingRequest

pytestmark = pytest.mark.django_db
Status = SharingRequest.Status


def test_every_desk_of_every_office_has_requests(demo: Any) -> None:
    for agency in Agency.objects.members():
        for side in ("borrowing", "lending"):
            queues, _qs = selectors.desk(agency, side, "")
            assert sum(q["count"] for q in queues) > 0, (agency.agency_id, side)


def test_demo_requests_are_in_several_states(demo: Any) -> None:
    states = set(SharingRequest.objects.values_list("status", flat=True))
    expected = {
        Status.SENT,
        Status.EXPECT_TO_SUPPLY,
        Status.CONDITIONAL,
        Status.SHIPPED,
        Status.RECEIVED,
        Status.RETURNED,
        Status.COMPLETE,
        Status.UNFILLED,
        Status.AWAITING_PAYMENT,
    }
    assert expected <= states, expected - states


def test_demo_partner_has_no_security_code_by_default(demo: Any) -> None:
    partner = Agency.objects.get(agency_id="CN-PARTNER")
    assert partner.is_partner and partner.iso_secret == "" and partner.iso_secret_set_at is None
