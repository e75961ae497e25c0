"""Fixtures for the payments tests: a real fake Stripe (localstripe) on 127.0.0.1, signed
events built exactly as Stripe builds them, and a purpose registered for tests only."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from payments import actions, payables
from payments.models import Payment

ROOT = Path(__file__).resolve().parents[2]
LOCALSTRIPE_PYTHON = ROOT / ".venv-localstripe" / "bin" / "python"
# Binds 127.0.0.1 only: the localstripe CLI would listen on every interface.
LAUNCHER = (
    "import sys\n"
    "from aiohttp import web\n"
    "from localstripe import server\n"
    "web.run_app(server.app, host='127.0.0.1', port=int(sys.argv[1]), print=None)\n"
)
WEBHOOK_SECRET = "whsec_test_payments_suite"
TEST_PURPOSE = "tests.order"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency needs PostgreSQL (CI runs it there)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(method: str, url: str) -> int:
    req = urllib.request.Request(url, method=method, headers={"Authorization": "Bearer sk_test_123"})
    with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status


@pytest.fixture(scope="session")
def localstripe_server() -> Any:
    """Start localstripe for the session. Fails (never skips) if it cannot start."""
    if not LOCALSTRIPE_PYTHON.exists():
        pytest.fail(f"localstripe is not installed at {LOCALSTRIPE_PYTHON}; run `make install`.", pytrace=False)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # Its output goes to a file, not a pipe nobody reads during the session: a full pipe would
    # stop the server at its next write.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(  # noqa: S603
        [str(LOCALSTRIPE_PYTHON), "-c", LAUNCHER, str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"localstripe exited: {log.read().decode(errors='replace')[-2000:]}", pytrace=False)
        try:
            _request("DELETE", f"{base}/_config/data")  # flush: start from an empty store
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("localstripe did not answer within 30 s", pytrace=False)
            time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log.close()


@pytest.fixture
def localstripe(localstripe_server: str, settings: Any) -> str:
    """The Stripe backend pointed at localstripe, with a clean store for this test."""
    _request("DELETE", f"{localstripe_server}/_config/data")
    settings.PAYMENTS_BACKEND = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return localstripe_server


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """`Stripe-Signature` exactly as Stripe computes it: HMAC-SHA256 over "t.payload"."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def make_event(event_type: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
    return {
        "id": "evt_" + secrets.token_hex(12),
        "object": "event",
        "type": event_type,
        "created": int(time.time()) if created is None else created,
        "livemode": False,
        "data": {"object": obj},
    }


def intent_object(payment: Payment, status: str, **extra: Any) -> dict[str, Any]:
    obj = {
        "id": payment.provider_reference,
        "object": "payment_intent",
        "amount": payment.amount_minor,
        "amount_received": payment.amount_minor if status == "succeeded" else 0,
        "currency": payment.currency.lower(),
        "status": status,
        "metadata": {"payment_id": str(payment.pk)},
        "last_payment_error": {"message": "Your card was declined."} if status == "requires_payment_method" else None,
    }
    obj.update(extra)
    return obj


def charge_object(payment: Payment, refunded: int) -> dict[str, Any]:
    return {
        "id": "ch_" + payment.provider_reference[3:],
        "object": "charge",
        "payment_intent": payment.provider_reference,
        "amount": payment.amount_minor,
        "amount_refunded": refunded,
        "currency": payment.currency.lower(),
        "paid": True,
        "status": "succeeded",
        "refunded": refunded >= payment.amount_minor,
    }


def post_event(client: Any, event: dict[str, Any], *, url: str = "/payments/stripe/webhook/", **sign_kw: Any) -> Any:
    body = json.dumps(event).encode()
    return client.post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, **sign_kw))


@dataclass
class PurposeCalls:
    succeeded: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    refunded: list[tuple[int, int]] = field(default_factory=list)
    targets: dict[str, TestTarget] = field(default_factory=dict)


@dataclass
class TestTarget:
    """What a test payment pays for: it costs what its first attempt asked, is paid once,
    and a test may close it."""

    purpose_id: str
    paid_by: int | None = None
    closed: bool = False


def _first_attempt(purpose_id: str) -> payables.Money:
    first = Payment.objects.filter(purpose_type=TEST_PURPOSE, purpose_id=purpose_id).order_by("attempt").first()
    return payables.Money(first.amount_minor, first.currency)


@pytest.fixture
def test_purpose() -> Any:
    """A payable that exists only in tests; its handlers record what they were told."""
    calls = PurposeCalls()

    def paid(target: TestTarget, payment: Payment) -> None:
        target.paid_by = payment.pk
        calls.succeeded.append(payment.pk)

    payables.register_payable(
        payables.Payable(
            purpose=TEST_PURPOSE,
            label="Test order",
            lock=lambda purpose_id: calls.targets.setdefault(purpose_id, TestTarget(purpose_id)),
            expected=lambda target: _first_attempt(target.purpose_id),
            is_paid=lambda target: target.paid_by is not None,
            is_open=lambda target: not target.closed,
            on_paid=paid,
            on_failed=lambda target, p: calls.failed.append(p.pk),
            on_refunded=lambda target, p: calls.refunded.append((p.pk, p.refunded_minor)),
        )
    )
    yield calls
    payables.unregister_payable(TEST_PURPOSE)


_counter = iter(range(1, 10**9))


def new_payment(payer: Any, *, amount: int = 12_345, purpose_id: str | None = None, **kwargs: Any) -> Payment:
    return actions.payment_create(
        purpose_type=TEST_PURPOSE,
        purpose_id=purpose_id or f"order-{next(_counter)}-{secrets.token_hex(3)}",
        amount_minor=amount,
        currency="CNY",
        description=kwargs.pop("description", "Novelty search 查新"),
        payer_user=payer,
        **kwargs,
    )


def stripe_http(base: str) -> Any:
    """A raw SDK client on localstripe, for what a browser would do (cards, 3-D Secure)."""
    import stripe

    return stripe.StripeClient("sk_test_123", base_addresses={"api": base})


def authenticate_3ds(base: str, reference: str, client_secret: str, success: bool = True) -> None:
    """What Stripe.js does after the bank's 3-D Secure page (localstripe's test endpoint)."""
    data = f"client_secret={client_secret}&success={'true' if success else 'false'}&key=pk_test_123".encode()
    req = urllib.request.Request(f"{base}/v1/payment_intents/{reference}/_authenticate", data=data, method="POST")
    with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310 (loopback only)
        assert response.status == 200
