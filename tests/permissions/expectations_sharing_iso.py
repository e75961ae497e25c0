"""Permission-matrix entry for the ISO 18626 endpoint (sharing/iso18626/urls.py, namespace "sharing").

A machine endpoint for outside partner libraries: no session, no login, csrf_exempt (listed in
tests/permissions/exemptions.py). Who may change what is decided per message from its content:
the sending agency must be an active partner giving its security code (docs/iso18626.md), the
receiving agency one of our offices, the transaction one between the two
(tests/sharing/test_iso18626_endpoint.py). A browser form POST, whoever sends it, is not an
ISO 18626 message: 200 with messageStatus ERROR / BadlyFormedMessage, and nothing is written.
"""

from __future__ import annotations

from tests.permissions.matrix import Entry, everyone

EXPECTATIONS = [
    Entry(
        "sharing:iso18626",
        get=everyone(405),
        post=everyone(200),
        data=lambda demo: {"title": "not an ISO 18626 message"},
        note="POST only; a form body is answered with an ISO 18626 ERROR confirmation (BadlyFormedMessage)",
    ),
]
