"""Public pages from the cache: per language, ETag/304, dropped when something is published."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from marketing.actions import page_save
from marketing.models import DailyCount, Page
from tests.marketing.site_fixtures import fresh_public_cache  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/130.0"}


def _url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def test_anonymous_page_is_served_from_cache_until_publish(demo, client, django_assert_max_num_queries):
    page = Page.objects.get(slug="about")
    url = _url("marketing:page_detail", "en", "about")
    first = client.get(url, **BROWSER)
    assert first.status_code == 200 and first["ETag"]
    with django_assert_max_num_queries(3):  # the page-view counter only (savepoint, upsert, release)
        again = client.get(url, **BROWSER)
    assert again.content == first.content
    page_save(actor=demo.director, page_id=page.pk, title="About us, renewed")
    fresh = client.get(url, **BROWSER)
    assert b"About us, renewed" in fresh.content
    assert fresh["ETag"] != first["ETag"]


def test_unpublish_removes_the_page_at_once(demo, client):
    page = Page.objects.get(slug="history")
    url = _url("marketing:page_detail", "en", "history")
    assert client.get(url).status_code == 200
    page_save(actor=demo.director, page_id=page.pk, is_published=False)
    assert client.get(url).status_code == 404


def test_cache_is_per_language(demo, client):
    en = client.get(_url("marketing:page_detail", "en", "about"))
    zh = client.get(_url("marketing:page_detail", "zh-hans", "about"))
    assert "关于我们与使命" in zh.content.decode() and "关于我们与使命" not in en.content.decode()


def test_etag_revalidation_answers_304(demo, client):
    url = _url("marketing:showcase_list", "en")
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_service_offering_change_drops_the_cache(demo, client):
    from services.models import Offering

    offering = Offering.objects.filter(is_active=True).first()
    url = _url("marketing:service_detail", "en", offering.code)
    assert client.get(url).status_code == 200
    offering.is_active = False
    offering.save()
    assert client.get(url).status_code == 404


def test_signed_in_users_get_a_fresh_page(demo):
    client = demo.client("staff_infodev")
    response = client.get(_url("marketing:home", "en"))
    assert "ETag" not in response and b"Go to the intranet" in response.content


def test_views_are_counted_but_bots_are_not(demo, client):
    url = (
        _url("marketing:resource_detail", "en", "local-history")
        + "?utm_source=mail&utm_medium=email&utm_campaign=spring"
    )
    client.get(url, **BROWSER)
    client.get(url, **BROWSER)
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert DailyCount.objects.get(kind="resource", key="local-history").count == 2
    assert DailyCount.objects.get(kind="campaign", key="mail/email/spring").count == 2
    assert not client.cookies.get("sessionid")  # counting sets no cookie


def test_campaign_for_reads_query_then_referer(rf):
    from marketing.analytics import campaign_for

    assert campaign_for(rf.get("/en/", {"utm_campaign": "spring"})) == "spring"
    request = rf.get("/en/store/", HTTP_REFERER="http://x/en/?utm_campaign=autumn&utm_source=a")
    assert campaign_for(request) == "autumn"
    assert campaign_for(rf.get("/en/")) == ""


def test_cached_pages_carry_the_same_chat_widget_for_every_visitor(demo, client):
    """The widget is on the public site's own pages, identical for every anonymous visitor
    (nothing of the visitor in the cached page: no token, no cookie, no campaign); without
    JavaScript its button is a link to the chat page, which works."""
    from django.test import Client

    home = _url("marketing:home", "en")
    first = client.get(home + "?utm_source=mail&utm_campaign=spring", **BROWSER)
    second = Client().get(home, **BROWSER)
    assert first.content == second.content
    html = first.content.decode()
    chat_link = f'href="{reverse("support:chat")}?from=/en/"'
    assert 'id="support-open"' in html and chat_link in html
    assert "utm_" not in html.split('id="support-open"')[0].rsplit("<aside", 1)[1]
    assert "csrfmiddlewaretoken" not in html and not first.cookies and not second.cookies
    assert f'hx-get="{reverse("support:widget")}"' in html and "support/chat.js" in html
    page = client.get(reverse("support:chat") + "?from=/en/")
    assert page.status_code == 200 and b'name="message"' in page.content


def test_widget_on_fresh_pages_follows_the_reader(demo):
    home = _url("marketing:showcase_list", "zh-hans")
    assert b'id="support-open"' in demo.client("client_a").get(home).content
    assert b'id="support-open"' not in demo.client("staff_custsvc").get(home).content  # staff use the console


def test_views_are_held_in_memory_and_written_together(demo, client, settings, django_assert_num_queries):
    """A cached page sends no query at all: its view is counted in the worker's memory and
    written with the others every MARKETING_ANALYTICS_FLUSH_SECONDS (one upsert per row)."""
    from marketing import analytics

    settings.MARKETING_ANALYTICS_FLUSH_SECONDS = 60
    url = _url("marketing:page_detail", "en", "about")
    analytics.flush()
    client.get(url, **BROWSER)  # rendered and cached
    with django_assert_num_queries(0):
        client.get(url, **BROWSER)
        client.get(url + "?utm_campaign=held", **BROWSER)
    assert not DailyCount.objects.filter(kind="page", key="about").exists()
    assert analytics.flush() == 2  # two rows: the page's, the campaign's
    assert DailyCount.objects.get(kind="page", key="about").count == 3
    assert DailyCount.objects.get(kind="campaign", key="//held").count == 1
    assert analytics.flush() == 0


def test_held_views_survive_a_failed_write(demo, client, settings, monkeypatch):
    from django.db import DatabaseError

    from marketing import analytics

    settings.MARKETING_ANALYTICS_FLUSH_SECONDS = 60
    analytics.flush()
    client.get(_url("marketing:page_detail", "en", "about"), **BROWSER)

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(analytics, "_bump", broken)
    assert analytics.flush() == 0
    monkeypatch.undo()
    assert analytics.flush() == 1
    assert DailyCount.objects.get(kind="page", key="about").count == 1


def test_an_entry_rendered_before_a_publish_is_not_served_after_it(demo, client):
    """The version is read before rendering and stored with the page: a publish in between
    leaves the entry stale."""
    from marketing import cache

    url = _url("marketing:page_detail", "en", "about")
    client.get(url)
    key = cache._key(_request(url))
    entry, current = cache._cached(key)
    assert entry is not None and current == cache.version()
    cache.invalidate()
    assert cache._cached(key)[0] is None


def _request(url: str):
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get(url)
    translation.activate("en")
    return request


def test_publishing_a_product_drops_the_cache(demo, client):
    from marketing.store.models import Product

    product = Product.objects.filter(published=True).first()
    url = _url("marketing:showcase_list", "en")
    assert product.name in client.get(url).content.decode()
    product.published = False
    product.save()
    assert product.name not in client.get(url).content.decode()


def test_a_worker_answers_from_memory_and_sees_another_workers_publish_within_a_second(
    demo, client, settings, monkeypatch
):
    from django.core.cache import cache as shared
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketing import cache

    settings.MARKETING_ANALYTICS_FLUSH_SECONDS = 60  # no counting writes in the way
    url = _url("marketing:page_detail", "en", "about")
    client.get(url, **BROWSER)
    shared.set(cache.VERSION_KEY, "published-elsewhere", None)  # another worker published
    monkeypatch.setattr(cache, "LOCAL_VERSION_SECONDS", 60)
    with CaptureQueriesContext(connection) as held:
        client.get(url, **BROWSER)
    assert len(held) == 0  # from this worker's memory, within the window
    monkeypatch.setattr(cache, "LOCAL_VERSION_SECONDS", 0)
    with CaptureQueriesContext(connection) as fresh:
        client.get(url, **BROWSER)
    assert len(fresh) > 0  # the window over: the new version read, the page rendered again
