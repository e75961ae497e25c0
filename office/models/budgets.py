"""Departments' budget lines per fiscal year and the ledger of their movements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models.common import TimeStampedModel
from office.models.org import Department
from office.querysets import BudgetQuerySet


class Budget(TimeStampedModel):
    """A department's budget line for one fiscal year.

    available = allocated - encumbered - spent, and the database refuses any write that
    would make it negative. Every movement is a `BudgetEntry`.
    """

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("department")
    )
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    allocated_minor = models.BigIntegerField(_("allocated"), default=0)
    encumbered_minor = models.BigIntegerField(_("encumbered"), default=0)
    spent_minor = models.BigIntegerField(_("spent"), default=0)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "department__sort_order"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["department", "fiscal_year"], name="budget_one_per_department_year"),
            models.CheckConstraint(
                condition=Q(allocated_minor__gte=0) & Q(encumbered_minor__gte=0) & Q(spent_minor__gte=0),
                name="budget_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(allocated_minor__gte=F("encumbered_minor") + F("spent_minor")),
                name="budget_available_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.fiscal_year}"

    @property
    def available_minor(self) -> int:
        return self.allocated_minor - self.encumbered_minor - self.spent_minor


class BudgetEntry(models.Model):
    """One movement on a budget line (the ledger behind its three totals)."""

    class Kind(models.TextChoices):
        ALLOCATE = "allocate", _("Allocation")
        ENCUMBER = "encumber", _("Encumbrance")
        RELEASE = "release", _("Release")
        SPEND = "spend", _("Spending")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries", verbose_name=_("budget"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount_minor = models.BigIntegerField(_("amount"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, verbose_name=_("by"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_minor}"
