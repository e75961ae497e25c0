"""The public site (under /en/ and /zh-hans/), the sitemap and robots.txt, and the site editors'
pages in the intranet (/intranet/site/). `marketing:home` keeps its entry in expectations_office.

Editors: the home office's leadership office and customer service (here: director); curators of
the subject navigation: also the navigation group and the heads above it (head_infodev; staff_infodev
is not in the group);
the dashboard: the leadership office. Member offices' staff and clients: 403."""

from __future__ import annotations

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect

EDITOR = expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403)
CURATOR = expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403)


def _page(demo):
    from marketing.models import Page

    return {"pk": Page.objects.order_by("pk").first().pk}


def _page_version(demo):
    return {**_page(demo), "number": 1}


def _slug(model_path: str):
    def factory(demo):
        from django.apps import apps

        model = apps.get_model(model_path)
        qs = model.objects.published() if hasattr(model.objects, "published") else model.objects.current()
        return {"slug": qs.order_by("pk").first().slug}

    return factory


def _offering(demo):
    from services.models import Offering

    return {"code": Offering.objects.filter(is_active=True).order_by("pk").first().code}


def _partner_with_logo(demo):
    from django.core.files.base import ContentFile

    from marketing.models import Partner

    partner = Partner.objects.create(name="Logo partner", is_published=True)
    partner.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return {"pk": partner.pk}


def _pk(model_path: str):
    def factory(demo):
        from django.apps import apps

        return {"pk": apps.get_model(model_path).objects.order_by("pk").first().pk}

    return factory


PUBLIC = [
    Entry("marketing:page_detail", kwargs=_slug("marketing.Page"), get=everyone(200)),
    Entry("marketing:news_list", get=everyone(200)),
    Entry("marketing:news_detail", kwargs=_slug("marketing.NewsItem"), get=everyone(200)),
    Entry("marketing:partner_list", get=everyone(200)),
    Entry("marketing:partner_logo", kwargs=_partner_with_logo, get=everyone(200)),
    Entry("marketing:showcase_list", get=everyone(200)),
    Entry("marketing:resource_detail", kwargs=_slug("marketing.Resource"), get=everyone(200)),
    Entry("marketing:service_detail", kwargs=_offering, get=everyone(200)),
    Entry("marketing:subject_browse", get=everyone(200), query="clc=G"),
    Entry("marketing:az_index", get=everyone(200)),
    Entry("marketing:search", get=everyone(200), query="q=novelty"),
    # An empty form comes back with its errors; nothing is filed.
    Entry("marketing:inquiry_form", get=everyone(200), post=everyone(200)),
    Entry("sitemap", get=everyone(200)),
    Entry("robots_txt", get=everyone(200)),
]

MANAGE = [
    Entry("marketing_manage:page_list", get=EDITOR),
    Entry("marketing_manage:page_create", get=EDITOR, post=EDITOR),
    Entry("marketing_manage:page_edit", kwargs=_page, get=EDITOR, post=EDITOR),
    Entry("marketing_manage:page_version", kwargs=_page_version, get=EDITOR),
    Entry("marketing_manage:news_list", get=EDITOR),
    Entry("marketing_manage:news_create", get=EDITOR, post=EDITOR),
    Entry("marketing_manage:news_edit", kwargs=_pk("marketing.NewsItem"), get=EDITOR, post=EDITOR),
    Entry("marketing_manage:partner_list", get=EDITOR),
    Entry("marketing_manage:partner_create", get=EDITOR, post=EDITOR),
    Entry("marketing_manage:partner_edit", kwargs=_pk("marketing.Partner"), get=EDITOR, post=EDITOR),
    Entry("marketing_manage:resource_list", get=EDITOR),
    Entry("marketing_manage:resource_create", get=EDITOR, post=EDITOR),
    Entry("marketing_manage:resource_edit", kwargs=_pk("marketing.Resource"), get=EDITOR, post=EDITOR),
    Entry("marketing_manage:subject_list", get=CURATOR),
    Entry("marketing_manage:subject_create", get=CURATOR, post=CURATOR),
    Entry("marketing_manage:subject_edit", kwargs=_pk("marketing.Subject"), get=CURATOR, post=CURATOR),
    Entry("marketing_manage:link_create", get=CURATOR, post=CURATOR),
    Entry("marketing_manage:link_edit", kwargs=_pk("marketing.SubjectLink"), get=CURATOR, post=CURATOR),
    Entry("marketing_manage:inquiry_list", get=EDITOR),
    Entry("marketing_manage:inquiry_detail", kwargs=_pk("marketing.Inquiry"), get=EDITOR, post=EDITOR),
    Entry(
        "marketing_manage:inquiry_status",
        kwargs=_pk("marketing.Inquiry"),
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=405, other_office=403),
        # An empty form is refused with a message and goes back to the queue.
        post=expect(
            anon=LOGIN,
            client=403,
            staff=403,
            head=403,
            director=Redirect("marketing_manage:inquiry_list"),
            other_office=403,
        ),
    ),
    Entry("marketing_manage:dashboard", get=EDITOR),
    Entry("marketing_manage:dashboard_csv", get=EDITOR),
]

EXPECTATIONS = [*PUBLIC, *MANAGE]
