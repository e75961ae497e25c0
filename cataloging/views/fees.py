"""The cataloging fee schedule page (issue 16): everyone on the staff sees the schedules; the
catalog operator's leadership and review heads add one from a date, or withdraw one not yet
in force (cataloging.actions.fees)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cataloging import permissions
from cataloging.actions.fees import fee_schedule_add, fee_schedule_withdraw
from cataloging.models import FeeSchedule
from office.access import staff_required
from office.fields import MoneyField
from office.views_support import run_action


class FeeScheduleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    copy_fee = MoneyField(label=gettext_lazy("Fee per copied record"), allow_zero=True)
    contribution_credit = MoneyField(label=gettext_lazy("Credit per approved contribution"), allow_zero=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_fee"].currency = self.fields["contribution_credit"].currency = settings.DEFAULT_CURRENCY
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("name"), Column("valid_from")),
                                    Row(Column("copy_fee"), Column("contribution_credit")))  # fmt: skip


def _context(form: FeeScheduleForm | None, user: Any) -> dict[str, Any]:
    return {
        "schedules": FeeSchedule.objects.all()[:50],
        "today": timezone.localdate(),
        "form": form or FeeScheduleForm(initial={"valid_from": timezone.localdate()}),
        "can_edit": permissions.can_edit_fee_schedule(user),
    }


@staff_required
def fee_schedules(request: HttpRequest) -> HttpResponse:
    """GET: the schedules; POST: add one (owners only)."""
    if request.method != "POST":
        return render(request, "cataloging/fee_schedules.html", _context(None, request.user))
    if not permissions.can_edit_fee_schedule(request.user):
        raise PermissionDenied
    if request.POST.get("withdraw"):
        return run_action(
            request,
            None,
            lambda _data: fee_schedule_withdraw(actor=request.user, schedule_id=int(request.POST["withdraw"] or 0)),
            success=_("The fee schedule was withdrawn."),
            redirect_to="cataloging:fee_schedules",
        )
    form = FeeScheduleForm(request.POST)
    return run_action(
        request,
        form,
        lambda data: fee_schedule_add(
            actor=request.user,
            name=data["name"],
            valid_from=data["valid_from"],
            currency=settings.DEFAULT_CURRENCY,
            copy_fee_minor=data["copy_fee"],
            contribution_credit_minor=data["contribution_credit"],
        ),  # fmt: skip
        success=_("The fee schedule was added."),
        redirect_to="cataloging:fee_schedules",
        template="cataloging/fee_schedules.html",
        template_context=lambda: _context(form, request.user),
    )
