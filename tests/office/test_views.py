"""The staff-facing org-structure pages: who may open what, and what each page does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from office import actions
from office.models import (
    Announcement,
    AuditEvent,
    Budget,
    BudgetEntry,
    Department,
    Document,
    Notification,
    Position,
    StaffProfile,
)
from tests import factories
from tests.factories import (
    BudgetFactory,
    DepartmentFactory,
    People,
    StaffProfileFactory,
    UserFactory,
    budget_line,
    document,
    home_office,
    member_office,
    office_units,
    position,
    welcome_note,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    """For the tests that need a few of the demo's people, not its network: each is built with
    their office and unit only. The permission matrix and the tests about the demo office's
    own content (its directory, documents, announcements, audit log) keep `demo`."""
    return People()


ROLES = ["anon", "client_a", "staff_infodev", "head_infodev", "director", "staff_east"]


def _dept(code: str, office: str = "home") -> Department:
    return Department.objects.get(organization__code=office, code=code)


def _doc() -> Document:
    return Document.objects.get(organization__code="home", slug="budget-policy")


def _pinned() -> Announcement:
    return Announcement.objects.get(organization__code="home", pinned=True)


def _unit(code: str, office: str = "home") -> Department:
    """The demo's unit `code` of an office, built (with its parent) if need be."""
    return factories.department(code, home_office() if office == "home" else member_office(office))


def _policy() -> Document:
    """The demo's budget allocation policy, at its first version."""
    return document("budget-policy", home_office())


# Every GET page with the status each role gets. Objects belong to the home office, so
# staff of a member office (staff_east) get 404 where a home object is named.
PAGES: list[tuple[str, Callable[[], dict[str, Any]], list[int]]] = [
    ("office:staff_directory", dict, [302, 403, 200, 200, 200, 200]),
    (
        "office:staff_detail",
        lambda: {"pk": StaffProfile.objects.get(user__username="staff_custsvc").pk},
        [302, 403, 200, 200, 200, 404],
    ),
    ("office:my_profile", dict, [302, 403, 200, 200, 200, 200]),
    ("office:department_detail", lambda: {"pk": _dept("infodev").pk}, [302, 403, 200, 200, 200, 404]),
    ("office:document_list", dict, [302, 403, 200, 200, 200, 200]),
    ("office:document_detail", lambda: {"pk": _doc().pk}, [302, 403, 200, 200, 200, 404]),
    ("office:document_version", lambda: {"pk": _doc().pk, "number": 1}, [302, 403, 200, 200, 200, 404]),
    ("office:document_compare", lambda: {"pk": _doc().pk}, [302, 403, 200, 200, 200, 404]),
    ("office:document_create", dict, [302, 403, 403, 403, 200, 403]),
    ("office:document_edit", lambda: {"pk": _doc().pk}, [302, 403, 403, 403, 200, 404]),
    ("office:announcement_list", dict, [302, 403, 200, 200, 200, 200]),
    ("office:announcement_detail", lambda: {"pk": _pinned().pk}, [302, 403, 200, 200, 200, 404]),
    ("office:announcement_create", dict, [302, 403, 403, 200, 200, 403]),
    ("office:announcement_edit", lambda: {"pk": _pinned().pk}, [302, 403, 403, 403, 200, 404]),
    ("office:budget_list", dict, [302, 403, 200, 200, 200, 200]),
    (
        "office:budget_detail",
        lambda: {"pk": Budget.objects.get(department=_dept("infodev")).pk},
        [302, 403, 404, 200, 200, 404],
    ),
    ("office:budget_allocate", dict, [302, 403, 403, 403, 200, 403]),
    # Notifications are every signed-in user's own, clients included (their desk shows them).
    ("office:notification_list", dict, [302, 200, 200, 200, 200, 200]),
    ("office:audit_list", dict, [302, 403, 403, 403, 200, 403]),
]


@pytest.mark.parametrize(
    ("url_name", "kwargs", "role", "expected"),
    [(name, kwargs, role, codes[i]) for name, kwargs, codes in PAGES for i, role in enumerate(ROLES)],
    ids=[f"{name}-{role}" for name, _kwargs, _codes in PAGES for role in ROLES],
)
def test_page_answers_each_role_as_the_matrix_says(demo, url_name, kwargs, role, expected):
    url = reverse(url_name, kwargs=kwargs())
    response = demo.client(None if role == "anon" else role).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_state_changing_urls_refuse_get(people):
    client = people.client("staff_infodev")
    notification = welcome_note(people.staff_infodev)
    assert client.get(reverse("office:notification_read_all")).status_code == 405
    assert client.get(reverse("office:notification_read", kwargs={"pk": notification.pk})).status_code == 405
    assert not Notification.objects.filter(recipient=people.staff_infodev, read_at__isnull=False).exists()


# --- staff directory -------------------------------------------------------------------------------


def test_directory_shows_the_department_tree_and_only_own_office_staff(demo):
    response = demo.client("staff_infodev").get(reverse("office:staff_directory"))
    html = response.content.decode()
    assert "Network information navigation group" in html  # a group nested in the tree
    assert "Sun Li" in html
    assert "Ma Lin" not in html  # staff_east works for another office


def test_directory_searches_name_title_department_and_duties(demo):
    client = demo.client("staff_infodev")
    for term in ("Wu Fang", "Systems engineer", "Customer service", "Navigation editor"):
        staff = client.get(reverse("office:staff_directory"), {"q": term}).context["staff"]
        assert staff, term
    assert not client.get(reverse("office:staff_directory"), {"q": "Ma Lin"}).context["staff"]


def test_directory_department_filter_includes_its_groups(demo):
    response = demo.client("director").get(reverse("office:staff_directory"), {"department": _dept("infodev").pk})
    names = {p.user.username for p in response.context["staff"]}
    assert names == {"head_infodev", "staff_infodev", "staff_nav"}


def test_directory_pages_and_keeps_its_query_count_flat(people, django_assert_max_num_queries):
    topic = _unit("topic")
    for _ in range(40):
        StaffProfileFactory(department=topic, position=position(Position.Role.STAFF), duties="cataloguing")
    client = people.client("staff_infodev")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("office:staff_directory"), {"q": "cataloguing", "page": 2})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["staff"]) == 15


def test_staff_detail_shows_contact_details_and_duty_documents(people):
    document("duties-head", home_office())
    person = StaffProfile.objects.get(user=people.head_techsvc)
    html = people.client("staff_nav").get(reverse("office:staff_detail", kwargs={"pk": person.pk})).content.decode()
    assert person.phone in html
    assert "Technical services department" in html
    assert "Job duties: department head" in html


def test_my_profile_saves_contact_details_but_never_position_department_or_office(people):
    profile = StaffProfile.objects.get(user=people.staff_infodev)
    before = (profile.position_id, profile.department_id, profile.organization_id)
    response = people.client("staff_infodev").post(
        reverse("office:my_profile"),
        {
            "phone": "020-1234-5678",
            "extension": "321",
            "room": "B-204",
            "duties": "SDI profiles",
            "position": position(Position.Role.DIRECTOR).pk,
            "department": _unit("leadership").pk,
            "organization": member_office("east").pk,
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.phone, profile.extension, profile.room, profile.duties) == (
        "020-1234-5678",
        "321",
        "B-204",
        "SDI profiles",
    )
    assert (profile.position_id, profile.department_id, profile.organization_id) == before


def test_my_profile_rejects_bad_input_and_changes_nothing(people):
    profile = StaffProfile.objects.get(user=people.staff_infodev)
    response = people.client("staff_infodev").post(reverse("office:my_profile"), {"extension": "x" * 30})
    assert response.status_code == 200
    assert response.context["form"].errors
    profile.refresh_from_db()
    assert profile.extension != "x" * 30


def test_my_profile_is_post_with_csrf(people):
    client = people.client("staff_infodev")
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("office:my_profile"), {"phone": "1"}).status_code == 403


# --- departments -----------------------------------------------------------------------------------


def test_department_detail_shows_head_members_groups_documents_and_budget(people):
    office_units(home_office())
    budget_line("infodev")
    people.build("staff_infodev", "staff_nav", "head_custsvc", "director")
    response = people.client("head_infodev").get(
        reverse("office:department_detail", kwargs={"pk": _unit("infodev").pk})
    )
    context = response.context
    assert [p.user.username for p in context["heads"]] == ["head_infodev"]
    assert [g.code for g in context["children"]] == ["navigation", "topic", "special"]
    assert context["budget"] is not None
    assert "¥300,000.00" in response.content.decode()


def test_department_detail_hides_a_budget_the_viewer_may_not_see(people):
    budget_line("techsvc")
    for slug in ("budget-policy", "duties-head", "duties-techsvc"):
        document(slug, home_office())
    response = people.client("staff_infodev").get(
        reverse("office:department_detail", kwargs={"pk": _unit("techsvc").pk})
    )
    assert response.context["budget"] is None
    assert [d.slug for d in response.context["documents"]] == ["duties-techsvc"]


def test_department_description_follows_the_ui_language(people):
    client = people.client("staff_infodev")
    url = reverse("office:department_detail", kwargs={"pk": _unit("techsvc").pk})
    assert "scheduled data backups" in client.get(url).content.decode()
    assert "按时数据备份" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


# --- documents -------------------------------------------------------------------------------------


def test_document_list_filters_by_kind_and_searches_text(demo):
    client = demo.client("staff_infodev")
    by_kind = client.get(reverse("office:document_list"), {"kind": "job_duty"}).context["documents"]
    assert {d.slug for d in by_kind} == {"duties-head", "duties-techsvc"}
    by_text = client.get(reverse("office:document_list"), {"q": "encumbrance"}).context["documents"]
    assert [d.slug for d in by_text] == ["budget-policy"]


def test_document_detail_renders_markdown_safely_and_in_chinese_when_asked(people):
    document = _policy()
    actions.document_save_version(
        document=document,
        body="## Heading\n\n<script>alert(1)</script> [x](javascript:alert(1))",
        body_zh="## 标题\n\n中文正文",
        actor=people.director,
    )
    client = people.client("staff_infodev")
    url = reverse("office:document_detail", kwargs={"pk": document.pk})
    html = client.get(url).content.decode()
    assert "<h2>Heading</h2>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "中文正文" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_document_version_shows_an_old_version_and_404s_a_missing_one(people):
    document = _policy()
    actions.document_save_version(document=document, body="Second text", actor=people.director)
    client = people.client("staff_infodev")
    old = client.get(reverse("office:document_version", kwargs={"pk": document.pk, "number": 1}))
    assert "Approved purchases encumber" in old.content.decode()
    assert "earlier version" in old.content.decode()
    missing = client.get(reverse("office:document_version", kwargs={"pk": document.pk, "number": 9}))
    assert missing.status_code == 404


def test_document_compare_shows_an_escaped_diff(people):
    document = _policy()
    actions.document_save_version(document=document, body="<b>new</b> line & more", actor=people.director)
    response = people.client("staff_infodev").get(
        reverse("office:document_compare", kwargs={"pk": document.pk}), {"a": 1, "b": 2}
    )
    html = response.content.decode()
    assert "+&lt;b&gt;new&lt;/b&gt; line &amp; more" in html
    assert "<b>new</b>" not in html
    assert any(line.kind == "del" for diff in response.context["diffs"] for line in diff["lines"])


def test_document_compare_404s_an_unknown_version(people):
    response = people.client("staff_infodev").get(
        reverse("office:document_compare", kwargs={"pk": _policy().pk}), {"a": 1, "b": 7}
    )
    assert response.status_code == 404


def test_director_creates_a_document_then_adds_a_version(people):
    client = people.client("admin_assistant")
    response = client.post(
        reverse("office:document_create"),
        {"kind": "rule", "title": "Visitor rules", "slug": "visitor-rules", "body": "Sign in.", "change_note": ""},
    )
    document = Document.objects.get(slug="visitor-rules")
    assert response.status_code == 302
    assert document.current_version == 1

    response = client.post(
        reverse("office:document_edit", kwargs={"pk": document.pk}),
        {"kind": "rule", "title": "Visitor rules", "body": "Sign in and out.", "change_note": "sign out too"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version == 2
    assert document.slug == "visitor-rules"
    assert AuditEvent.objects.filter(verb="office.document.revised", target_id=str(document.pk)).exists()


def test_document_create_refuses_a_taken_slug_and_an_empty_text(people):
    _policy()
    client = people.client("director")
    response = client.post(
        reverse("office:document_create"), {"kind": "rule", "title": "Dup", "slug": "budget-policy", "body": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"slug", "body"}
    assert Document.objects.filter(slug="budget-policy").count() == 1


def test_document_edit_by_staff_is_forbidden_and_changes_nothing(people):
    document = _policy()
    response = people.client("head_infodev").post(
        reverse("office:document_edit", kwargs={"pk": document.pk}), {"kind": "rule", "title": "x", "body": "y"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert (document.title, document.current_version) == ("Budget allocation policy", 1)


# --- announcements ---------------------------------------------------------------------------------


def test_announcement_list_pages_current_announcements_for_the_audience(demo):
    client = demo.client("staff_infodev")
    titles = [a.title for a in client.get(reverse("office:announcement_list")).context["announcements"]]
    assert titles == ["The intranet is live"]  # the techsvc announcement is for another department
    director_titles = [
        a.title for a in demo.client("director").get(reverse("office:announcement_list")).context["announcements"]
    ]
    assert len(director_titles) == 2


def test_home_links_to_all_announcements(people):
    html = people.client("staff_infodev").get(reverse("office:home")).content.decode()
    assert reverse("office:announcement_list") in html


def test_head_posts_an_announcement_to_own_department(people):
    people.build("staff_techsvc", "staff_infodev")
    techsvc = _unit("techsvc")
    response = people.client("head_techsvc").post(
        reverse("office:announcement_create"),
        {"title": "Team meeting", "body": "Friday 10:00", "department": techsvc.pk, "published_at": "2020-01-01 09:00"},
    )
    announcement = Announcement.objects.get(title="Team meeting")
    assert response.status_code == 302
    assert announcement.author == people.head_techsvc
    assert Notification.objects.filter(recipient=people.staff_techsvc, verb="office.announcement.published").exists()


def test_head_cannot_post_to_another_department(people):
    response = people.client("head_infodev").post(
        reverse("office:announcement_create"),
        {"title": "Not mine", "body": "x", "department": _unit("techsvc").pk, "published_at": "2020-01-01 09:00"},
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Announcement.objects.filter(title="Not mine").exists()


def test_announcement_edit_saves_for_the_author_and_403s_others(demo):
    announcement = Announcement.objects.get(title="Nightly backups at 02:00")
    url = reverse("office:announcement_edit", kwargs={"pk": announcement.pk})
    data = {
        "title": "Nightly backups at 03:00",
        "body": "Moved.",
        "department": announcement.department_id,
        "published_at": "2020-01-01 09:00",
    }
    assert demo.client("head_infodev").post(url, data).status_code == 403
    assert demo.client("head_techsvc").post(url, data).status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "Nightly backups at 03:00"


def test_expired_announcement_is_404_for_readers(demo):
    from django.utils import timezone

    announcement = _pinned()
    announcement.expires_at = timezone.now() - timezone.timedelta(days=1)
    announcement.save()
    url = reverse("office:announcement_detail", kwargs={"pk": announcement.pk})
    assert demo.client("staff_infodev").get(url).status_code == 404
    assert demo.client("director").get(url).status_code == 200


# --- budgets ---------------------------------------------------------------------------------------


def test_budget_list_shows_only_visible_lines_with_chart_data(demo):
    response = demo.client("head_infodev").get(reverse("office:budget_list"))
    departments = {b.department.code for b in response.context["budgets"]}
    assert departments == {"infodev", "navigation", "topic", "special"}
    html = response.content.decode()
    assert 'id="budget-chart-data"' in html
    assert "js/budget-chart.js" in html
    assert "<script>" not in html.split('id="budget-chart-data"')[0].split("</main>")[-1]


def test_budget_list_of_an_empty_year_says_so(people):
    budget_line("infodev")  # the home office has its lines; east has none
    response = people.client("staff_east").get(reverse("office:budget_list"))
    assert response.status_code == 200
    assert 'id="budget-empty"' in response.content.decode()


def test_budget_list_keeps_its_query_count_flat(people, django_assert_max_num_queries):
    home = home_office()
    for _ in range(15):
        BudgetFactory(department=DepartmentFactory(organization=home), fiscal_year=2026)
    client = people.client("director")
    with django_assert_max_num_queries(9):
        response = client.get(reverse("office:budget_list"), {"year": 2026})
    assert len(response.context["budgets"]) >= 15


def test_budget_detail_pages_the_ledger(people):
    people.build("staff_infodev")
    budget = budget_line("topic")
    existing = budget.entries.count()  # the line's allocation
    for i in range(30):
        BudgetEntry.objects.create(budget=budget, kind=BudgetEntry.Kind.ALLOCATE, amount_minor=0, note=f"n{i}")
    response = people.client("staff_infodev").get(
        reverse("office:budget_detail", kwargs={"pk": budget.pk}), {"page": 2}
    )
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(existing + 30 - 25, 25)  # 25 a page


def test_director_allocates_from_decimal_yuan(people):
    budget = budget_line("custsvc")
    before = budget.allocated_minor
    response = people.client("director").post(
        reverse("office:budget_allocate"),
        {"department": budget.department_id, "fiscal_year": budget.fiscal_year, "amount": "1,234.50", "note": "Q2"},
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.allocated_minor == before + 123_450


@pytest.mark.parametrize("amount", ["abc", "1.234", "0", ""])
def test_allocate_rejects_bad_amounts_and_changes_nothing(people, amount):
    budget = budget_line("custsvc")
    entries, allocated = budget.entries.count(), budget.allocated_minor
    response = people.client("director").post(
        reverse("office:budget_allocate"),
        {"department": budget.department_id, "fiscal_year": budget.fiscal_year, "amount": amount},
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    budget.refresh_from_db()
    assert (budget.entries.count(), budget.allocated_minor) == (entries, allocated)


def test_allocate_below_encumbered_plus_spent_shows_the_error_and_changes_nothing(people):
    budget = budget_line("custsvc")
    actions.budget_encumber(budget_id=budget.pk, amount_minor=budget.available_minor, actor=people.director)
    allocations = AuditEvent.objects.filter(verb="office.budget.allocated").count()
    response = people.client("director").post(
        reverse("office:budget_allocate"),
        {"department": budget.department_id, "fiscal_year": budget.fiscal_year, "amount": "-0.01"},
    )
    assert response.status_code == 200
    assert "cannot go below" in str(response.context["form"].errors["amount"])
    allocated = budget.allocated_minor
    budget.refresh_from_db()
    assert budget.allocated_minor == allocated
    assert AuditEvent.objects.filter(verb="office.budget.allocated").count() == allocations


def test_allocate_errors_are_translated(people):
    response = people.client("director").post(
        reverse("office:budget_allocate"),
        {"department": _unit("custsvc").pk, "fiscal_year": 2026, "amount": "abc"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]


def test_allocate_offers_only_the_directors_own_office(people):
    office_units(member_office("east"))
    office_units(home_office())
    form = people.client("director_east").get(reverse("office:budget_allocate")).context["form"]
    assert {d.organization.code for d in form.fields["department"].queryset} == {"east"}
    home_dept = _unit("custsvc")
    response = people.client("director_east").post(
        reverse("office:budget_allocate"), {"department": home_dept.pk, "fiscal_year": 2026, "amount": "10"}
    )
    assert "department" in response.context["form"].errors


# --- notifications ---------------------------------------------------------------------------------


def test_htmx_mark_read_returns_the_updated_row(people):
    notification = welcome_note(people.staff_infodev)
    response = people.client("staff_infodev").post(
        reverse("office:notification_read", kwargs={"pk": notification.pk}), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in html
    assert "<html" not in html
    assert 'hx-swap-oob="outerHTML"' in html
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_without_js_redirects_back(people):
    notification = welcome_note(people.staff_infodev)
    response = people.client("staff_infodev").post(
        reverse("office:notification_read", kwargs={"pk": notification.pk}), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("office:notification_list")


def test_mark_read_of_someone_elses_notification_is_404_and_get_is_405(people):
    notification = welcome_note(people.head_infodev)
    client = people.client("staff_infodev")
    url = reverse("office:notification_read", kwargs={"pk": notification.pk})
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(people):
    welcome_note(people.staff_infodev)
    welcome_note(people.head_infodev)
    for i in range(3):
        actions.notify(recipient_id=people.staff_infodev.pk, verb="test", title=f"t{i}", send_email=False)
    response = people.client("staff_infodev").post(reverse("office:notification_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=people.staff_infodev, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=people.head_infodev, read_at__isnull=True).exists()


def test_notification_list_pages(people):
    welcome_note(people.client_a)
    existing = Notification.objects.filter(recipient=people.client_a).count()
    for i in range(30):
        actions.notify(recipient_id=people.client_a.pk, verb="test", title=f"t{i}", send_email=False)
    client = people.client("client_a")
    first = client.get(reverse("office:notification_list")).context["page_obj"]
    response = client.get(reverse("office:notification_list"), {"before": first.older})  # keyset pages
    assert response.status_code == 200
    assert len(response.context["notifications"]) == min(existing + 30 - 25, 25)


# --- audit log -------------------------------------------------------------------------------------


def test_audit_list_filters_by_verb_actor_and_date(demo):
    actions.budget_allocate(department_id=_dept("custsvc").pk, fiscal_year=2026, amount_minor=100, actor=demo.director)
    actions.document_save_version(document=_doc(), body="new", actor=demo.admin_assistant)
    actions.budget_allocate(
        department_id=_dept("infodev", "east").pk, fiscal_year=2026, amount_minor=100, actor=demo.director_east
    )
    client = demo.client("admin_assistant")
    url = reverse("office:audit_list")

    # Other apps' demo hooks write events too (budget encumbrances, tickets): check inclusion.
    everything = list(client.get(url, {"verb": "office."}).context["page_obj"])
    assert {"office.budget.allocated", "office.document.revised"} <= {e.verb for e in everything}
    assert all(e.verb.startswith("office.") for e in everything)
    assert all(e.organization.code == "home" for e in client.get(url).context["page_obj"])
    budget_only = list(client.get(url, {"verb": "office.budget"}).context["page_obj"])
    assert "office.budget.allocated" in {e.verb for e in budget_only}
    assert all(e.verb.startswith("office.budget") for e in budget_only)
    by_actor = client.get(url, {"actor": demo.admin_assistant.pk, "verb": "office."}).context["page_obj"]
    assert [e.verb for e in by_actor] == ["office.document.revised"]
    assert not list(client.get(url, {"date_to": "2000-01-01"}).context["page_obj"])


def test_audit_list_rejects_a_reversed_date_range(people):
    response = people.client("director").get(
        reverse("office:audit_list"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors


# --- navigation ------------------------------------------------------------------------------------


def _render_staff_nav(user: Any) -> str:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from office.context_processors import intranet

    request = RequestFactory().get(reverse("office:home"))
    request.user = user
    return render_to_string("partials/_nav_staff.html", intranet(request), request=request)


def test_staff_navigation_partial_is_role_aware(people):
    director, staff, east = (_render_staff_nav(people[u]) for u in ("director", "staff_infodev", "staff_east"))
    for name in ("staff_directory", "document_list", "announcement_list", "budget_list", "my_profile"):
        assert reverse(f"office:{name}") in director
        assert reverse(f"office:{name}") in staff
    assert reverse("office:audit_list") in director
    assert reverse("office:audit_list") not in staff
    # Health and backups: the home office's technical services and leadership (issue 8).
    assert reverse("office:health") in director
    assert reverse("office:health") not in staff
    assert reverse("office:health") not in east  # only the home office runs the hub


def test_staff_navigation_appears_on_pages(people):
    html = people.client("staff_infodev").get(reverse("office:home")).content.decode()
    assert reverse("office:staff_directory") in html


def test_user_without_profile_gets_403_on_staff_pages(db):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("office:staff_directory")).status_code == 403
