"""Views of the org-structure app: thin — parse, call a selector or action, render."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.generic import DetailView, ListView, TemplateView

from office import actions, equipment, forms, inbox, permissions, schedules, selectors
from office.access import (
    Role,
    StaffRequiredMixin,
    home_staff_required,
    is_client,
    is_director,
    is_staff_member,
    roles_required,
    staff_profile,
    staff_required,
)
from office.keyset import keyset_page
from office.models import (
    Announcement,
    AuditEvent,
    BackupRun,
    Department,
    Document,
    Equipment,
    MaintenanceTicket,
    Organization,
    StaffProfile,
)
from office.page_cache import cached_page
from office.views_support import run_action


@require_safe
@login_required
@cached_page("notifications")
def home(request: HttpRequest) -> HttpResponse:
    """The intranet home: announcements, my tasks and notifications (staff), or the client's desk."""
    context = {
        "inbox_items": inbox.items_for_cached(request.user),
        "notifications": selectors.notification_list_recent(user=request.user),
    }
    if is_staff_member(request.user):
        context["announcements"] = selectors.announcement_list_current(user=request.user, limit=5)
        return render(request, "office/home.html", context)
    if is_client(request.user):
        return render(request, "office/client_home.html", context)
    # A partner's account (a resource provider's representative) has work but no profile: its
    # desk lists that work. An account with neither (e.g. a bare superuser) gets a page that says so.
    if context["inbox_items"]:
        return render(request, "office/partner_home.html", context)
    return render(request, "office/no_profile.html", context, status=403)


@require_safe
@home_staff_required
def health(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_health(request.user):
        raise PermissionDenied
    from office import health_text

    summary = selectors.health_summary()
    context = {
        "health": summary,
        "backup_dir": settings.BACKUP_DIR,
        "notes": health_text.health_notes(summary),
        "database_detail": health_text.detail_text(summary["checks"]["database"].get("detail")),
        "broker_detail": health_text.detail_text(summary["checks"]["broker"].get("detail")),
    }
    return render(request, "office/health.html", context)


@require_safe
@home_staff_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    """What beat runs and when it last did (issue 19): for those who see the health page."""
    if not permissions.can_view_health(request.user):
        raise PermissionDenied
    context = {"schedules": schedules.schedule_overview(), "time_zone": settings.TIME_ZONE}
    return render(request, "office/schedule_list.html", context)


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """For monitoring. Anonymous callers learn only the overall state; staff get the details."""
    summary = selectors.health_summary()
    status = 503 if summary["overall"] == selectors.RED else 200
    # Only those who may see the health page learn which part is unwell (and the version).
    if not permissions.can_view_health(request.user):
        return JsonResponse({"status": summary["overall"]}, status=status)
    checks = {name: check["state"] for name, check in summary["checks"].items()}
    workers = {w["hostname"]: w["state"] for w in summary["workers"]}
    queues = {q["name"]: q["state"] for q in summary["queues"]}
    return JsonResponse(
        {
            "status": summary["overall"],
            "checks": checks,
            "workers": workers,
            "queues": queues,
            "version": summary["version"],
        },
        status=status,
    )


# --- pagination and small helpers --------------------------------------------------------------

PAGE_SIZE = 25


def _page(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _my_office(request: HttpRequest) -> Organization:
    # Only reached behind a staff guard, so the profile exists.
    profile = staff_profile(request.user)
    assert profile is not None
    return profile.organization


# --- staff directory ---------------------------------------------------------------------------


class StaffDirectoryView(StaffRequiredMixin, ListView):
    """The office's department tree beside a searchable, paged list of its staff."""

    template_name = "office/staffprofile_list.html"
    context_object_name = "staff"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[StaffProfile]:
        self.form = forms.StaffSearchForm(self.request.GET or None, user=self.request.user)
        search, department = "", None
        if self.form.is_valid():
            search = self.form.cleaned_data["q"]
            department = self.form.cleaned_data["department"]
        self.department = department
        return selectors.staff_list(user=self.request.user, search=search, department=department)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            form=self.form,
            tree=selectors.department_tree(user=self.request.user),
            selected_department=self.department,
            **kwargs,
        )


class StaffDetailView(StaffRequiredMixin, DetailView):
    template_name = "office/staffprofile_detail.html"
    context_object_name = "person"

    def get_queryset(self) -> QuerySet[StaffProfile]:
        return selectors.staff_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            duty_documents=selectors.staff_duty_documents(user=self.request.user, profile=self.object),
            is_me=self.object.user_id == self.request.user.pk,
            **kwargs,
        )


@staff_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """A staff member edits their own contact details (never position, department or office)."""
    profile = staff_profile(request.user)
    assert profile is not None
    form = forms.MyProfileForm(request.POST or None, instance=profile)
    context = {"form": form, "person": profile}
    if request.method != "POST":
        return render(request, "office/staffprofile_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.staff_profile_update_contact(
            profile_id=profile.pk, actor=request.user, **{f: data[f] for f in actions.CONTACT_FIELDS}
        ),
        success=_("Your contact details were saved."),
        redirect_to="office:my_profile",
        template="office/staffprofile_form.html",
        template_context=context,
    )


class DepartmentDetailView(StaffRequiredMixin, DetailView):
    template_name = "office/department_detail.html"
    context_object_name = "department"

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.visible_to(self.request.user).select_related("parent", "organization")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **selectors.department_detail(user=self.request.user, department=self.object), **kwargs
        )


# --- policy and job-duty documents -------------------------------------------------------------


class DocumentListView(StaffRequiredMixin, ListView):
    template_name = "office/document_list.html"
    context_object_name = "documents"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Document]:
        self.form = forms.DocumentFilterForm(self.request.GET or None)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return selectors.document_list(
            user=self.request.user, kind=filters.get("kind", ""), search=filters.get("q", "")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            form=self.form,
            can_manage=permissions.can_manage_documents(self.request.user, _my_office(self.request)),
            **kwargs,
        )


def _document_page(request: HttpRequest, document: Document, number: int, template: str) -> HttpResponse:
    versions = selectors.document_versions(document=document)
    version = next((v for v in versions if v.number == number), None)
    if version is None and number != document.current_version:
        raise Http404
    return render(
        request,
        template,
        {
            "document": document,
            "version": version,
            "versions": versions,
            "text": selectors.document_version_text(version) if version else "",
            "can_manage": permissions.can_manage_documents(request.user, document.organization),
        },
    )


@staff_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    return _document_page(request, document, document.current_version, "office/document_detail.html")


@staff_required
@require_GET
def document_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    return _document_page(request, document, number, "office/document_version.html")


@staff_required
@require_GET
def document_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side as a unified diff of the English and of the Chinese text."""
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    versions = selectors.document_versions(document=document)
    by_number = {v.number: v for v in versions}
    initial = {"a": max(document.current_version - 1, 1), "b": document.current_version}
    form = forms.DocumentCompareForm(request.GET or initial)
    diffs: list[dict[str, Any]] = []
    old = new = None
    if form.is_valid():
        old, new = by_number.get(form.cleaned_data["a"]), by_number.get(form.cleaned_data["b"])
        if old is None or new is None:
            raise Http404
        for label, field in ((_("English text"), "body"), (_("Chinese text"), "body_zh")):
            old_text, new_text = getattr(old, field), getattr(new, field)
            if old_text or new_text:
                diffs.append(
                    {
                        "label": label,
                        "lines": selectors.document_diff(
                            old=old_text, new=new_text, old_label=f"v{old.number}", new_label=f"v{new.number}"
                        ),
                    }
                )
    return render(
        request,
        "office/document_compare.html",
        {"document": document, "versions": versions, "form": form, "old": old, "new": new, "diffs": diffs},
    )


def _save_document(
    request: HttpRequest, form: forms.DocumentForm, context: dict[str, Any], success: Any
) -> HttpResponse:
    """Save the metadata and add a new version (earlier versions stay as they were)."""
    if request.method != "POST":
        return render(request, "office/document_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.document_save_version(
            document=form.instance,
            body=data["body"],
            body_zh=data["body_zh"],
            change_note=data["change_note"],
            actor=request.user,
        ),
        success=success,
        redirect_to=lambda version: ("office:document_detail", version.document_id),
        template="office/document_form.html",
        template_context=context,
    )


@staff_required
def document_create(request: HttpRequest) -> HttpResponse:
    office = _my_office(request)
    if not permissions.can_manage_documents(request.user, office):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST or None, organization=office, instance=Document(organization=office))
    return _save_document(request, form, {"form": form, "document": None}, _("The document was created."))


@staff_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the metadata and add a new version; earlier versions stay as they were."""
    document = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    if not permissions.can_manage_documents(request.user, document.organization):
        raise PermissionDenied
    current = document.versions.filter(number=document.current_version).first()
    initial = {"body": current.body, "body_zh": current.body_zh} if current else {}
    form = forms.DocumentForm(
        request.POST or None, organization=document.organization, instance=document, initial=initial
    )
    return _save_document(
        request,
        form,
        {"form": form, "document": document},
        lambda version: _("Version %(n)d was saved.") % {"n": version.number},
    )


# --- announcements -----------------------------------------------------------------------------


class AnnouncementListView(StaffRequiredMixin, ListView):
    template_name = "office/announcement_list.html"
    context_object_name = "announcements"
    paginate_by = 10

    def get_queryset(self) -> QuerySet[Announcement]:
        return selectors.announcement_list(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_post=permissions.can_post_any_announcement(self.request.user), **kwargs)


class AnnouncementDetailView(StaffRequiredMixin, DetailView):
    template_name = "office/announcement_detail.html"
    context_object_name = "announcement"

    def get_queryset(self) -> QuerySet[Announcement]:
        return selectors.announcement_detail_queryset(user=self.request.user)

    def get_object(self, queryset: QuerySet[Announcement] | None = None) -> Announcement:
        announcement = super().get_object(queryset)
        # Scheduled or expired announcements are visible only to those who may edit them.
        now = timezone.now()
        is_current = announcement.published_at <= now and (
            announcement.expires_at is None or announcement.expires_at > now
        )
        if not is_current and not permissions.can_edit_announcement(self.request.user, announcement):
            raise Http404
        return announcement

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            can_edit=permissions.can_edit_announcement(self.request.user, self.object), **kwargs
        )


def _publish(
    request: HttpRequest, form: forms.AnnouncementForm, announcement: Announcement | None, success: str
) -> HttpResponse:
    context = {"form": form, "announcement": announcement}
    if request.method != "POST":
        return render(request, "office/announcement_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.announcement_publish(announcement=form.instance, actor=request.user),
        success=success,
        redirect_to=lambda published: ("office:announcement_detail", published.pk),
        template="office/announcement_form.html",
        template_context=context,
    )


@staff_required
def announcement_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_post_any_announcement(request.user):
        raise PermissionDenied
    office = _my_office(request)
    form = forms.AnnouncementForm(
        request.POST or None,
        user=request.user,
        organization=office,
        instance=Announcement(organization=office, author=request.user),
    )
    return _publish(request, form, None, _("The announcement was published."))


@staff_required
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(selectors.announcement_detail_queryset(user=request.user), pk=pk)
    if not permissions.can_edit_announcement(request.user, announcement):
        raise PermissionDenied
    form = forms.AnnouncementForm(
        request.POST or None, user=request.user, organization=announcement.organization, instance=announcement
    )
    return _publish(request, form, announcement, _("The announcement was saved."))


# --- budgets -----------------------------------------------------------------------------------


@staff_required
@require_GET
def budget_list(request: HttpRequest) -> HttpResponse:
    """The viewer's budget lines for one fiscal year, with totals and a chart."""
    years = selectors.budget_years(user=request.user)
    this_year = selectors.current_fiscal_year()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[0] if years and this_year not in years else this_year
    budgets = list(selectors.budget_list(user=request.user, fiscal_year=year))
    return render(
        request,
        "office/budget_list.html",
        {
            "budgets": budgets,
            "year": year,
            "years": sorted(set(years) | {this_year}, reverse=True),
            "totals": selectors.budget_totals(budgets),
            "chart": selectors.budget_chart_data(budgets),
            "currency": budgets[0].currency if budgets else settings.DEFAULT_CURRENCY,
            "can_allocate": is_director(request.user),
        },
    )


@staff_required
@require_GET
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    budget = get_object_or_404(selectors.budget_detail_queryset(user=request.user), pk=pk)
    if not permissions.can_view_budget(request.user, budget):
        raise Http404
    return render(
        request,
        "office/budget_detail.html",
        {
            "budget": budget,
            "page_obj": _page(request, selectors.budget_entry_list(budget=budget)),
            "can_allocate": permissions.can_allocate_budget(request.user, budget.department),
        },
    )


@roles_required(Role.DIRECTOR)
def budget_allocate(request: HttpRequest) -> HttpResponse:
    """Director only. GET may preselect ?department=&year=; an error changes nothing."""
    initial = {"fiscal_year": request.GET.get("year") or selectors.current_fiscal_year()}
    if department_id := request.GET.get("department", "").strip():
        initial["department"] = department_id
    form = forms.BudgetAllocateForm(request.POST or None, user=request.user, initial=initial)
    if request.method != "POST":
        return render(request, "office/budget_allocate.html", {"form": form})
    return run_action(
        request,
        form,
        lambda data: actions.budget_allocate(
            department_id=data["department"].pk,
            fiscal_year=data["fiscal_year"],
            amount_minor=data["amount"],
            note=data["note"],
            actor=request.user,
        ),
        success=_("The allocation was recorded."),
        redirect_to=lambda budget: ("office:budget_detail", budget.pk),
        template="office/budget_allocate.html",
        template_context={"form": form},
        error_field="amount",
    )


# --- notifications -----------------------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, TemplateView):
    """Every signed-in user's own notifications (clients receive them too), newest first,
    in keyset pages (a year of them: no COUNT, no OFFSET)."""

    template_name = "office/notification_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = keyset_page(selectors.notification_list(user=self.request.user), self.request.GET, PAGE_SIZE)
        return super().get_context_data(page_obj=page, notifications=page.object_list, **kwargs)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; htmx gets the updated row back, a plain form a redirect."""
    notification = get_object_or_404(selectors.notification_list(user=request.user), pk=pk)

    def row(result: int) -> dict[str, Any]:
        notifications = selectors.notification_list(user=request.user)
        return {"n": notifications.get(pk=pk), "oob_unread": True, "unread_count": notifications.unread().count()}

    return run_action(
        request,
        None,
        lambda data: actions.notification_mark_read(user=request.user, notification_id=notification.pk),
        success=None,  # the row shows it read
        redirect_to=_safe_next(request, reverse("office:notification_list")),
        fragment="office/_notification_row.html",
        fragment_context=row,
    )


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    return run_action(
        request,
        None,
        lambda data: actions.notification_mark_read(user=request.user),
        success=lambda count: (
            ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count) % {"n": count}
        ),
        redirect_to=_safe_next(request, reverse("office:notification_list")),
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- audit log ---------------------------------------------------------------------------------


@staff_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    form = forms.AuditFilterForm(request.GET or None, actors=selectors.audit_actor_choices(user=request.user))
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "verb_prefix": data["verb"],
            "actor": data["actor"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = AuditEvent.objects.none() if form.errors else selectors.audit_event_list(user=request.user, **filters)
    page = keyset_page(events, request.GET, PAGE_SIZE)  # a year of events: no COUNT, no OFFSET
    return render(request, "office/auditevent_list.html", {"form": form, "page_obj": page})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


# --- backup history (technical services, issue 8) ---------------------------------------------


@require_safe
@home_staff_required
def backup_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_backups(request.user):
        raise PermissionDenied
    return render(
        request,
        "office/backup_list.html",
        {
            "page_obj": _page(request, selectors.backup_list()),
            "drills": selectors.backup_drill_list()[:20],
            "chart": selectors.backup_chart_data(),
            "can_download": permissions.can_download_backup(request.user),
            "can_run_backup": permissions.can_run_backup(request.user),
        },
    )


@require_safe
@home_staff_required
def backup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_view_backups(request.user):
        raise PermissionDenied
    backup = get_object_or_404(BackupRun, pk=pk)
    tables = sorted(backup.manifest.get("tables", {}).items())
    return render(
        request,
        "office/backup_detail.html",
        {
            "backup": backup,
            "tables": tables,
            "files": sorted(backup.manifest.get("files", {}).items()),
            "media": backup.manifest.get("media", {}),
            "drills": backup.drills.order_by("-started_at"),
            "manifest_json": json.dumps(backup.manifest, indent=2, sort_keys=True),
            "can_download": permissions.can_download_backup(request.user)
            and backup.status == BackupRun.Status.SUCCEEDED,
        },
    )


@require_safe
@home_staff_required
def backup_download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """One file of a backup, after the check; backup folders are never served by path."""
    from office.backups.restore import backup_file_for_download

    filename, handle = backup_file_for_download(
        backup_id=pk, name=name, actor=request.user, ip_address=request.META.get("REMOTE_ADDR")
    )
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = "application/octet-stream"
    response["Cache-Control"] = "no-store"
    return response


# --- equipment and maintenance tickets (issue 8) ------------------------------------------------


@require_safe
@staff_required
def equipment_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    items = equipment.equipment_list(user=request.user, kind=kind if kind in Equipment.Kind.values else "")
    return render(
        request,
        "office/equipment_list.html",
        {"page_obj": _page(request, items), "kind": kind, "kinds": Equipment.Kind.choices},
    )


@require_safe
@staff_required
def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(equipment.equipment_detail_queryset(user=request.user), pk=pk)
    return render(
        request,
        "office/equipment_detail.html",
        {"item": item, "tickets": item.tickets.select_related("assignee__staff_profile")[:20]},
    )


@require_safe
@staff_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    tickets = equipment.ticket_list(
        user=request.user, status=status if status in MaintenanceTicket.Status.values else ""
    )
    return render(
        request,
        "office/ticket_list.html",
        {"page_obj": _page(request, tickets), "status": status, "statuses": MaintenanceTicket.Status.choices},
    )


@staff_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    items = Equipment.objects.visible_to(request.user).exclude(status=Equipment.Status.RETIRED)
    form = forms.TicketForm(request.POST or None, equipment=items, initial={"equipment": request.GET.get("equipment")})
    if request.method != "POST":
        return render(request, "office/ticket_form.html", {"form": form})
    return run_action(
        request,
        form,
        lambda data: equipment.ticket_raise(
            actor=request.user,
            title=data["title"],
            description=data["description"],
            priority=data["priority"],
            equipment_id=data["equipment"].pk if data["equipment"] else None,
        ),
        success=_("Ticket raised; technical services have been told."),
        redirect_to=lambda ticket: ("office:ticket_detail", ticket.pk),
        template="office/ticket_form.html",
        template_context={"form": form},
    )


@require_safe
@staff_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(equipment.ticket_detail_queryset(user=request.user), pk=pk)
    can_work = permissions.can_work_tickets(request.user, ticket.organization)
    assignees = equipment.techsvc_staff(organization=ticket.organization)
    return render(
        request,
        "office/ticket_detail.html",
        {
            "ticket": ticket,
            "can_assign": can_work and ticket.can_move_to(MaintenanceTicket.Status.ASSIGNED),
            "can_close": can_work and ticket.can_move_to(MaintenanceTicket.Status.CLOSED),
            "assign_form": forms.TicketAssignForm(assignees=assignees, initial={"assignee": request.user.pk}),
            "close_form": forms.TicketCloseForm(),
        },
    )


def _worked_ticket(request: HttpRequest, pk: int) -> MaintenanceTicket:
    """A ticket the user may see (else 404) and work on (else 403)."""
    ticket = get_object_or_404(equipment.ticket_detail_queryset(user=request.user), pk=pk)
    if not permissions.can_work_tickets(request.user, ticket.organization):
        raise PermissionDenied
    return ticket


@staff_required
@require_POST
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _worked_ticket(request, pk)
    return run_action(
        request,
        forms.TicketAssignForm(request.POST, assignees=equipment.techsvc_staff(organization=ticket.organization)),
        lambda data: equipment.ticket_assign(ticket_id=pk, actor=request.user, assignee_id=data["assignee"].pk),
        success=_("Ticket assigned."),
        redirect_to=("office:ticket_detail", pk),
        invalid_message=_("Choose a member of technical services."),
    )


@staff_required
@require_POST
def ticket_close(request: HttpRequest, pk: int) -> HttpResponse:
    _worked_ticket(request, pk)
    return run_action(
        request,
        forms.TicketCloseForm(request.POST),
        lambda data: equipment.ticket_close(ticket_id=pk, actor=request.user, resolution=data["resolution"]),
        success=_("Ticket closed."),
        redirect_to=("office:ticket_detail", pk),
        invalid_message=_("Say what was done before closing the ticket."),
    )
