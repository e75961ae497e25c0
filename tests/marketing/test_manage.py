"""The editors' side: page versions and their diff, who may edit, the dashboard, Chinese pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from marketing import permissions
from marketing.actions import page_save, resource_save
from marketing.models import Page, PageVersion, Resource
from office.models import AuditEvent
from tests.marketing.site_fixtures import fresh_public_cache  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db


def test_who_edits_and_who_curates(demo):
    assert permissions.can_edit_site(demo.director) and permissions.can_edit_site(demo.staff_custsvc)
    assert not permissions.can_edit_site(demo.staff_infodev) and not permissions.can_edit_site(demo.staff_east)
    assert permissions.can_curate_subjects(demo.staff_nav) and permissions.can_curate_subjects(demo.head_infodev)
    assert not permissions.can_curate_subjects(demo.staff_infodev)
    assert not permissions.can_curate_subjects(demo.client_a)
    assert permissions.can_see_dashboard(demo.director) and not permissions.can_see_dashboard(demo.staff_custsvc)


def test_each_save_keeps_a_version_and_the_diff_shows_it(demo):
    page = Page.objects.get(slug="about")
    page_save(actor=demo.staff_custsvc, page_id=page.pk, body=page.body + "\n\nA new paragraph.")
    page_save(actor=demo.staff_custsvc, page_id=page.pk, is_published=True)  # no text change: no version
    page.refresh_from_db()
    assert page.version == 2 and PageVersion.objects.filter(page=page).count() == 2
    assert AuditEvent.objects.filter(verb="marketing.page.saved", target_id=str(page.pk)).exists()
    client = demo.client("staff_custsvc")
    response = client.get(reverse("marketing_manage:page_version", args=[page.pk, 2]))
    assert response.status_code == 200 and "+A new paragraph." in response.content.decode()


def test_editor_form_creates_a_page_and_publishes_it(demo):
    client = demo.client("staff_custsvc")
    data = {"slug": "training", "kind": "other", "title": "Training", "title_zh": "培训", "body": "Courses.",
            "body_zh": "课程。", "is_published": "on", "sort_order": "5"}  # fmt: skip
    response = client.post(reverse("marketing_manage:page_create"), data)
    assert response.status_code == 302
    with translation.override("zh-hans"):
        url = reverse("marketing:page_detail", args=["training"])
    assert "培训" in client.get(url).content.decode()


def test_outsiders_are_refused_by_the_action(demo):
    with pytest.raises(PermissionDenied):
        page_save(actor=demo.staff_infodev, slug="x", title="x")
    with pytest.raises(PermissionDenied):
        resource_save(actor=demo.staff_east, slug="y", title="y")
    assert not Resource.objects.filter(slug="y").exists()


def test_dashboard_shows_views_and_no_result_searches(demo, client):
    with translation.override("en"):
        client.get(reverse("marketing:search") + "?q=qqqxyz", HTTP_USER_AGENT="Mozilla/5.0")
    response = demo.client("director").get(reverse("marketing_manage:dashboard"))
    assert response.status_code == 200
    assert "qqqxyz" in response.content.decode()
    assert response.context["total_views"] >= 1


@pytest.mark.parametrize(
    "name", ["marketing:home", "marketing:showcase_list", "marketing:subject_browse", "marketing:az_index"]
)
def test_chinese_pages_have_no_english_interface_text(demo, client, name):
    with translation.override("zh-hans"):
        url = reverse(name)
    text = client.get(url).content.decode()
    for english in ("Resources and services", "Browse by subject", "Search everything", "Cooperation", "News"):
        assert f">{english}<" not in text, english
