"""Chainable filters for payments. Every list and detail view starts from `visible_to(user)`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> PaymentQuerySet:
        """The payer sees their own payments; finance staff (director, business assistant) see
        their office's payments, paid or received. Running the platform gives the home office
        no view of other offices' payments: what office B pays a provider is B's internal data
        (a consortium member never sees another member's payment)."""
        from payments.permissions import finance_office

        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = Q(payer_user_id=user.pk)
        office = finance_office(user)
        if office is not None:
            condition |= Q(payee_organization_id=office.pk) | Q(payer_organization_id=office.pk)
        return self.filter(condition)

    def paid_by(self, user: Any) -> PaymentQuerySet:
        return self.filter(payer_user_id=user.pk)

    def open(self) -> PaymentQuerySet:
        return self.filter(status__in=["created", "requires_action", "processing"])

    def pending_longer_than(self, seconds: int) -> PaymentQuerySet:
        return self.open().filter(updated_at__lt=timezone.now() - timedelta(seconds=seconds))

    def search(self, term: str) -> PaymentQuerySet:
        if not term:
            return self
        condition = (
            Q(description__icontains=term)
            | Q(payer_name__icontains=term)
            | Q(payee_name__icontains=term)
            | Q(provider_reference__icontains=term)
            | Q(receipt_number__icontains=term)
            | Q(payer_user__username__icontains=term)
        )
        number = term.lstrip("#")
        if number.isascii() and number.isdigit():  # "#²" is isdigit() but not int()
            condition |= Q(pk=int(number))
        return self.filter(condition)
