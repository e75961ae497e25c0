"""A provider's representative accounts, on a page beside the vendor (issue 16): the office
that keeps the vendor (leadership and department heads) invites and deactivates them; other
staff of that office see the list; another office's vendor is a 404."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from office.access import staff_profile, staff_required
from office.views_support import run_action
from procurement import permissions
from procurement.consortia.actions.representatives import representative_invite, representative_set_active
from procurement.models import Vendor


class RepresentativeForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    language = forms.ChoiceField(label=gettext_lazy("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("username"), Column("email"), Column("language")))


@staff_required
def vendor_representatives(request: HttpRequest, pk: int) -> HttpResponse:
    profile = staff_profile(request.user)
    vendor = get_object_or_404(Vendor, pk=pk, organization_id=profile.organization_id)  # type: ignore[union-attr]
    can_edit = permissions.can_edit_vendor(request.user, vendor)
    form = RepresentativeForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    representatives = vendor.representatives.select_related("user").order_by("-is_active", "user__username")
    context = {"vendor": vendor, "form": form, "can_edit": can_edit, "representatives": representatives}
    if request.method != "POST":
        return render(request, "procurement/vendor_representatives.html", context)
    if not can_edit:
        raise PermissionDenied
    if request.POST.get("representative"):
        return run_action(
            request,
            None,
            lambda _data: representative_set_active(
                actor=request.user,
                representative_id=int(request.POST["representative"] or 0),
                active=request.POST.get("active") == "1",
            ),  # fmt: skip
            success=_("The representative's account was changed."),
            redirect_to=("procurement:vendor_representatives", vendor.pk),
        )
    return run_action(
        request,
        form,
        lambda data: representative_invite(
            actor=request.user,
            vendor_id=vendor.pk,
            email=data["email"],
            username=data["username"],
            language=data["language"],
        ),  # fmt: skip
        success=_("The invitation was sent."),
        redirect_to=("procurement:vendor_representatives", vendor.pk),
        template="procurement/vendor_representatives.html",
        template_context=context,
    )
