"""The leadership office's personnel pages (issue 16): the staff list with deactivated
accounts, inviting a person, a person's page (transfer, leave with deputies, history) and the
guided deactivation (open work shown, a successor chosen, then the account closed)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from office import actions_people, forms_org
from office.actions_personnel import open_work
from office.models import AuditEvent, StaffProfile
from office.views.org import _leadership
from office.views_support import run_action


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    organization_id = _leadership(request)
    profiles = (
        StaffProfile.objects.filter(organization_id=organization_id)
        .select_related("user", "department", "position")
        .order_by("-user__is_active", "department__sort_order", "position__rank", "display_name")
    )
    return render(request, "office/org/people_list.html", {"profiles": profiles})


@login_required
def person_invite(request: HttpRequest) -> HttpResponse:
    organization_id = _leadership(request)
    initial = {"department": request.GET.get("department") or None, "language": request.LANGUAGE_CODE}
    form = forms_org.InviteForm(request.POST or None, organization_id=organization_id, initial=initial)
    context = {"form": form}
    if request.method != "POST":
        return render(request, "office/org/invite_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_people.staff_invite(
            actor=request.user,
            email=data["email"],
            username=data["username"],
            display_name=data["display_name"],
            department_id=data["department"].pk,
            position_id=data["position"].pk,
            language=data["language"],
            title=data["title"],
        ),
        success=_("The invitation was sent."),
        redirect_to=lambda user: ("office:org_person", user.pk),
        template="office/org/invite_form.html",
        template_context=context,
    )


def _profile(request: HttpRequest, user_id: int) -> StaffProfile:
    organization_id = _leadership(request)
    queryset = StaffProfile.objects.select_related("user", "department", "position", "organization")
    return get_object_or_404(queryset, user_id=user_id, organization_id=organization_id)


def _history(profile: StaffProfile) -> Any:
    user_type = ContentType.objects.get_for_model(get_user_model())
    return AuditEvent.objects.filter(target_type=user_type, target_id=str(profile.user_id)).select_related(
        "actor__staff_profile"
    )[:100]


def _person_context(profile: StaffProfile, **forms: Any) -> dict[str, Any]:
    from procurement.models import Deputy

    ids = {"organization_id": profile.organization_id}
    current = {"department": profile.department_id, "position": profile.position_id}
    return {
        "profile": profile,
        "person": profile.user,
        "transfer_form": forms.get("transfer") or forms_org.TransferForm(**ids, initial=current),
        "deputy_form": forms.get("deputy") or forms_org.DeputyForm(**ids, user_id=profile.user_id),
        "deputies": Deputy.objects.filter(head_id=profile.user_id).select_related("deputy__staff_profile")[:20],
        "today": timezone.localdate(),
        "history": _history(profile),
    }


@login_required
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    return render(request, "office/org/person_detail.html", _person_context(_profile(request, user_id)))


@require_POST
@login_required
def person_transfer(request: HttpRequest, user_id: int) -> HttpResponse:
    profile = _profile(request, user_id)
    form = forms_org.TransferForm(request.POST, organization_id=profile.organization_id)
    return run_action(
        request,
        form,
        lambda data: actions_people.staff_transfer(
            actor=request.user,
            user_id=profile.user_id,
            department_id=data["department"].pk,
            position_id=data["position"].pk,
        ),  # fmt: skip
        success=_("The transfer was recorded."),
        redirect_to=("office:org_person", profile.user_id),
        template="office/org/person_detail.html",
        template_context=lambda: _person_context(profile, transfer=form),
    )


@require_POST
@login_required
def person_deputy(request: HttpRequest, user_id: int) -> HttpResponse:
    profile = _profile(request, user_id)
    form = forms_org.DeputyForm(request.POST, organization_id=profile.organization_id, user_id=profile.user_id)
    return run_action(
        request,
        form,
        lambda data: actions_people.deputy_name(
            actor=request.user,
            head_id=profile.user_id,
            deputy_id=data["deputy"].user_id,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        ),  # fmt: skip
        success=_("The deputy was named."),
        redirect_to=("office:org_person", profile.user_id),
        template="office/org/person_detail.html",
        template_context=lambda: _person_context(profile, deputy=form),
    )


@require_POST
@login_required
def person_deputy_end(request: HttpRequest, user_id: int, row: int) -> HttpResponse:
    _profile(request, user_id)
    return run_action(
        request,
        None,
        lambda _data: actions_people.deputy_end(actor=request.user, deputy_row_id=row),
        success=_("The deputy period was ended."),
        redirect_to="office:org_people",
    )


@require_POST
@login_required
def person_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    profile = _profile(request, user_id)
    return run_action(
        request,
        None,
        lambda _data: actions_people.staff_reactivate(actor=request.user, user_id=profile.user_id),
        success=_("The account was reactivated."),
        redirect_to="office:org_people",
    )


@require_POST
@login_required
def person_reinvite(request: HttpRequest, user_id: int) -> HttpResponse:
    profile = _profile(request, user_id)
    return run_action(
        request,
        None,
        lambda _data: actions_people.staff_reinvite(actor=request.user, user_id=profile.user_id),
        success=_("The invitation was sent again."),
        redirect_to="office:org_people",
    )


@login_required
def person_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    """The guided step: what the person has open, who takes it over, then deactivate."""
    profile = _profile(request, user_id)
    form = forms_org.DeactivateForm(
        request.POST or None, organization_id=profile.organization_id, user_id=profile.user_id
    )
    context = {"profile": profile, "form": form, "work": open_work(profile.user)}
    context["needs_successor"] = any(group["reassignable"] and group["rows"] for group in context["work"])
    if request.method != "POST":
        return render(request, "office/org/person_deactivate.html", context)
    return run_action(
        request,
        form,
        lambda data: actions_people.staff_deactivate(
            actor=request.user,
            user_id=profile.user_id,
            successor_id=data["successor"].user_id if data["successor"] else None,
        ),
        success=_("The account was deactivated and its open work handed over."),
        redirect_to=("office:org_person", profile.user_id),
        template="office/org/person_deactivate.html",
        template_context=context,
        error_field="successor",
    )
