"""`get_gateway()` picks the provider from settings.PAYMENTS_BACKEND; `gateway_for(name)`
returns the one that holds an existing payment, whatever the current setting."""

from __future__ import annotations

from django.conf import settings

from payments.gateways.base import PaymentGateway


def gateway_for(name: str) -> PaymentGateway:
    if name == "stripe":
        from payments.gateways.stripe import StripeGateway

        return StripeGateway()
    from payments.gateways.simulated import SimulatedGateway

    return SimulatedGateway()


def backend_name() -> str:
    return "stripe" if settings.PAYMENTS_BACKEND == "stripe" else "simulated"


def get_gateway() -> PaymentGateway:
    return gateway_for(backend_name())
