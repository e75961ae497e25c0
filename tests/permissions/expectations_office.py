"""Permission-matrix entries for the office project: org-structure pages, public site, auth, i18n.

Format: see the docstring of tests/permissions/test_url_matrix.py. Keep entries grouped by
URL module and in the order of the urls.py they come from.
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect, logged_in


def _reset_link_of_client_b(demo: Any) -> dict[str, str]:
    """A well-formed but wrong token: the confirm page says the link is invalid (200) to everyone."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return {"uidb64": urlsafe_base64_encode(force_bytes(demo.client_b.pk)), "token": "cfy0cm-0123456789abcdef0123"}


def _staff_custsvc(demo: Any) -> dict[str, int]:
    return {"pk": demo.staff_custsvc.staff_profile.pk}


def _infodev(demo: Any) -> dict[str, int]:
    from office.models import Department

    return {"pk": Department.objects.get(organization__is_home=True, code="infodev").pk}


def _budget_policy(demo: Any) -> dict[str, int]:
    from office.models import Document

    return {"pk": Document.objects.get(organization__is_home=True, slug="budget-policy").pk}


def _pinned_announcement(demo: Any) -> dict[str, int]:
    from office.models import Announcement

    return {"pk": Announcement.objects.get(organization__is_home=True, pinned=True).pk}


def _infodev_budget(demo: Any) -> dict[str, int]:
    from office.models import Budget

    return {"pk": Budget.objects.get(department__organization__is_home=True, department__code="infodev").pk}


def _notification_of_staff(demo: Any) -> dict[str, int]:
    return {"pk": demo.staff_infodev.notifications.get(verb="office.demo.welcome").pk}


def _backup(demo: Any) -> dict[str, int]:
    from office.models import BackupRun

    run = BackupRun.objects.create(
        status=BackupRun.Status.SUCCEEDED,
        location="/nonexistent/backup",
        manifest={"files": {"db.dump": {"size": 1, "sha256": "0" * 64}}},
    )
    return {"pk": run.pk}


def _home_equipment(demo: Any) -> dict[str, int]:
    from office.models import Equipment

    return {"pk": Equipment.objects.get(organization__is_home=True, asset_tag="av-0001").pk}


def _home_ticket(demo: Any) -> dict[str, int]:
    from office.models import MaintenanceTicket

    return {"pk": MaintenanceTicket.objects.filter(organization__is_home=True, status="open").first().pk}


EXPECTATIONS = [
    # --- office.urls (root) --------------------------------------------------------------
    Entry(
        "health_live",
        get=everyone(200),
        post=everyone(405),
        note="JSON; anonymous callers only get the overall state (tests/security)",
    ),
    Entry(
        "set_language",
        # POST only (office/views/language.py: it stores a signed-in person's language too).
        get=everyone(405),
        post=everyone(Redirect("/intranet/")),
        query="next=/intranet/",
        data=lambda demo: {"language": "zh-hans", "next": "/intranet/"},
    ),
    # --- marketing.urls --------------------------------------------------------------------
    # Read-only pages below take no POST argument; their views do not restrict the method yet
    # (a POST renders the page), so POST is not declared for them.
    Entry("marketing:home", get=everyone(200)),
    # --- office.routes (/intranet/) ---------------------------------------------------------
    Entry(
        "office:home",
        get=logged_in(200),  # staff: intranet home; client: the client desk
    ),
    Entry(
        "office:health",
        # The home office's technical services and leadership only (issue 8).
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
    ),
    Entry(
        "office:schedule_list",
        # What beat runs (issue 19): whoever sees the health page.
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
    ),
    # Org-structure pages. Objects named in the URL belong to the home office, so staff of a
    # member office get 404 for them; functions a role may not use are 403.
    Entry(
        "office:staff_directory",
        get=logged_in(200, client=403),
        query="q=li",
    ),
    Entry(
        "office:staff_detail",
        kwargs=_staff_custsvc,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    Entry(
        "office:my_profile",
        get=logged_in(200, client=403),
        post=logged_in(200, client=403),  # the too-long extension -> 200 with errors
        data=lambda demo: {"extension": "x" * 30},
    ),
    Entry(
        "office:department_detail",
        kwargs=_infodev,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    Entry("office:document_list", get=logged_in(200, client=403), query="kind=policy"),
    Entry(
        "office:document_create",
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
    ),
    Entry(
        "office:document_detail",
        kwargs=_budget_policy,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
        post=logged_in(405, client=403),
    ),
    Entry(
        "office:document_edit",
        kwargs=_budget_policy,
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=404),
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=404),
    ),
    Entry(
        "office:document_version",
        kwargs=lambda demo: {**_budget_policy(demo), "number": 1},
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    Entry(
        "office:document_compare",
        kwargs=_budget_policy,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    Entry("office:announcement_list", get=logged_in(200, client=403)),
    Entry(
        "office:announcement_create",
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
    ),
    Entry(
        "office:announcement_detail",
        kwargs=_pinned_announcement,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    Entry(
        "office:announcement_edit",
        kwargs=_pinned_announcement,  # written by the director
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=404),
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=404),
    ),
    Entry("office:budget_list", get=logged_in(200, client=403)),
    Entry(
        "office:budget_allocate",
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
    ),
    Entry(
        "office:budget_detail",
        kwargs=_infodev_budget,  # staff_infodev works in a group of infodev: only its own line
        get=expect(anon=LOGIN, client=403, staff=404, head=200, director=200, other_office=404),
    ),
    Entry("office:notification_list", get=logged_in(200)),  # every user's own, clients included
    Entry(
        "office:notification_read",
        kwargs=_notification_of_staff,
        get=logged_in(405),
        post=expect(
            anon=LOGIN,
            client=404,
            staff=Redirect("office:notification_list"),
            head=404,
            director=404,
            other_office=404,
        ),
    ),
    Entry(
        "office:notification_read_all",
        get=logged_in(405),
        post=logged_in(Redirect("office:notification_list")),
    ),
    Entry(
        "office:audit_list",
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
        query="verb=office.",
    ),
    # Backups (issue 8): history for technical services and leadership; files for technical
    # services only (none of the matrix roles, so the director is refused too).
    Entry(
        "office:backup_list",
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
    ),
    # Running a backup by hand (issue 20): technical services only, none of the matrix roles.
    Entry("office:backup_run", get=logged_in(405), post=logged_in(403)),
    Entry(
        "office:backup_detail",
        kwargs=_backup,
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
    ),
    Entry(
        "office:backup_download",
        kwargs=lambda demo: {**_backup(demo), "name": "db.dump"},
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=403),
    ),
    # Equipment and maintenance tickets (issue 8): every staff member of the office sees them and
    # raises tickets; only its technical services (none of the matrix roles) assign and close.
    Entry("office:equipment_list", get=logged_in(200, client=403), query="kind=network"),
    Entry(
        "office:equipment_detail",
        kwargs=_home_equipment,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    Entry("office:ticket_list", get=logged_in(200, client=403), query="status=open"),
    Entry(
        "office:ticket_create",
        get=logged_in(200, client=403),
        post=logged_in(200, client=403),  # empty form -> 200 with errors
    ),
    Entry(
        "office:ticket_detail",
        kwargs=_home_ticket,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    Entry(
        "office:ticket_assign",
        kwargs=_home_ticket,
        get=logged_in(405, client=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=404),
    ),
    Entry(
        "office:ticket_close",
        kwargs=_home_ticket,
        get=logged_in(405, client=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=404),
    ),
    # --- auth (/accounts/) ------------------------------------------------------------------
    Entry(
        "login",
        # redirect_authenticated_user: a logged-in user is sent on to the intranet home.
        get=everyone(Redirect("office:home"), anon=200),
        post=everyone(Redirect("office:home"), anon=200),  # empty form -> 200 with errors
    ),
    Entry(
        "logout",
        get=everyone(405),  # Django 5: logout is POST only
        post=everyone(Redirect("login")),
    ),
    Entry("password_change", get=logged_in(200), post=logged_in(200)),  # empty form -> errors
    Entry("password_change_done", get=logged_in(200)),
    Entry(
        "password_reset",
        get=everyone(200),
        post=everyone(Redirect("password_reset_done")),
        data=lambda demo: {"email": "nobody@example.invalid"},
    ),
    Entry("password_reset_done", get=everyone(200)),
    Entry("password_reset_confirm", kwargs=_reset_link_of_client_b, get=everyone(200)),
    Entry("password_reset_complete", get=everyone(200)),
]
