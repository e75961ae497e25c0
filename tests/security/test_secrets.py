"""Secrets stay secret (issue 17 item 8): a vendor's API key and webhook secret are write-only
on its edit form (never rendered back; blank keeps the stored value), and the simulated
provider's webhook secret is its own, not a slice of SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from office.models import AuditEvent, Organization
from procurement.models import Vendor

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "k-api-key-never-shown-4711"
WEBHOOK_SECRET = "s-webhook-secret-never-shown-0815"


@pytest.fixture
def vendor(demo: Any) -> Vendor:
    return Vendor.objects.create(
        organization=Organization.objects.get(is_home=True),
        code="secretive",
        name="Secretive Books",
        integration=Vendor.Integration.API,
        api_base_url="http://127.0.0.1:9/",
        api_key=API_KEY,
        webhook_secret=WEBHOOK_SECRET,
    )


def _post_data(vendor: Vendor, **changes: str) -> dict[str, Any]:
    data = {
        "code": vendor.code,
        "name": "Secretive Books, renamed",
        "integration": vendor.integration,
        "api_base_url": vendor.api_base_url,
        "api_key": "",
        "webhook_secret": "",
        "lead_time_days": 14,
        "is_active": "on",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_vendor_edit_page_never_shows_the_secrets(demo: Any, vendor: Vendor) -> None:
    page = demo.client("director").get(reverse("procurement:vendor_edit", args=[vendor.pk])).content.decode()
    assert API_KEY not in page and WEBHOOK_SECRET not in page
    assert 'name="api_key"' in page and 'name="webhook_secret"' in page
    assert "Leave blank to keep" in page


@pytest.mark.django_db
def test_a_refused_edit_does_not_show_a_typed_secret_either(demo: Any, vendor: Vendor) -> None:
    response = demo.client("director").post(
        reverse("procurement:vendor_edit", args=[vendor.pk]),
        _post_data(vendor, api_key="k-typed-just-now", lead_time_days="9999"),
    )
    assert response.status_code == 200  # the form again, with its errors
    page = response.content.decode()
    assert "k-typed-just-now" not in page and API_KEY not in page


@pytest.mark.django_db
def test_blank_secrets_keep_the_stored_ones(demo: Any, vendor: Vendor) -> None:
    response = demo.client("director").post(reverse("procurement:vendor_edit", args=[vendor.pk]), _post_data(vendor))
    assert response.status_code == 302, response.content.decode()[:2000]
    vendor.refresh_from_db()
    assert (vendor.name, vendor.api_key, vendor.webhook_secret) == ("Secretive Books, renamed", API_KEY, WEBHOOK_SECRET)
    event = AuditEvent.objects.filter(verb="procurement.vendor.edited").latest("pk")
    assert event.data["fields"] == ["name"]  # the secrets were kept, not changed


@pytest.mark.django_db
def test_a_typed_secret_replaces_the_stored_one(demo: Any, vendor: Vendor) -> None:
    demo.client("director").post(
        reverse("procurement:vendor_edit", args=[vendor.pk]), _post_data(vendor, webhook_secret="s-new")
    )
    vendor.refresh_from_db()
    assert (vendor.api_key, vendor.webhook_secret) == (API_KEY, "s-new")


@pytest.mark.django_db
def test_a_new_api_vendor_still_needs_a_webhook_secret(demo: Any) -> None:
    response = demo.client("director").post(
        reverse("procurement:vendor_create"), _post_data(Vendor(code="fresh", integration=Vendor.Integration.API))
    )
    assert response.status_code == 200  # the form again, with its errors
    assert not Vendor.objects.filter(code="fresh").exists()


def _simulated_secret(env: dict[str, str]) -> str:
    """settings.SIMULATED_WEBHOOK_SECRET as a fresh process computes it from `env`."""
    code = "import django; django.setup(); from django.conf import settings; print(settings.SIMULATED_WEBHOOK_SECRET)"
    base = {k: v for k, v in os.environ.items() if k not in {"SIMULATED_WEBHOOK_SECRET", "DJANGO_SECRET_KEY"}}
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "office.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


def test_simulated_webhook_secret_does_not_derive_from_the_secret_key() -> None:
    one = _simulated_secret({"DJANGO_SECRET_KEY": "a-first-secret-key-for-this-test-0123456789"})
    two = _simulated_secret({"DJANGO_SECRET_KEY": "another-secret-key-for-this-test-9876543210"})
    assert one == two  # generated once (var/), whatever the secret key
    assert "a-first-secret-key" not in one and len(one) >= 32
    assert _simulated_secret({"SIMULATED_WEBHOOK_SECRET": "whsec_from_the_environment"}) == "whsec_from_the_environment"
