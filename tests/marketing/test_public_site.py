"""The public site: pages in both languages, SEO head (parsed), sitemap, robots, A–Z, search."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from marketing import selectors
from marketing.models import Page, Resource
from tests.marketing.site_fixtures import fresh_public_cache  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


class Head(HTMLParser):
    """Collects <meta>, <link> and JSON-LD blocks of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.jsonld: list[dict] = []
        self._in_ld = False
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            self.meta[a.get("name") or a.get("property", "")] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld, self._buffer = True, ""

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self._buffer += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_ld:
            self.jsonld.append(json.loads(self._buffer))
            self._in_ld = False


def parse(response) -> Head:
    head = Head()
    head.feed(response.content.decode())
    return head


def _url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def test_root_redirects_by_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Location"] == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/"


def test_home_has_seo_head_and_organization(demo, client):
    response = client.get("/en/", **BROWSER)
    assert response.status_code == 200
    head = parse(response)
    assert head.meta["description"]
    for prop in ("og:title", "og:description", "og:url", "og:type"):
        assert head.meta[prop], prop
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical and canonical[0].endswith("/en/")
    hreflangs = {link["hreflang"]: link["href"] for link in head.links if link.get("rel") == "alternate"}
    assert hreflangs["zh-hans"].endswith("/zh-hans/") and hreflangs["en"].endswith("/en/") and "x-default" in hreflangs
    types = {node["@type"] for node in head.jsonld}
    assert "Organization" in types
    assert all(node["@context"] == "https://schema.org" for node in head.jsonld)


def test_resource_page_in_chinese_has_dataset_and_breadcrumbs(demo, client):
    resource = Resource.objects.get(slug="local-history")
    response = client.get(_url("marketing:resource_detail", "zh-hans", resource.slug), **BROWSER)
    assert response.status_code == 200
    text = response.content.decode()
    assert resource.title_zh in text and '<html lang="zh-hans">' in text
    head = parse(response)
    by_type = {node["@type"]: node for node in head.jsonld}
    assert by_type["Dataset"]["name"] == resource.title_zh
    assert by_type["Dataset"]["isAccessibleForFree"] is True
    crumbs = by_type["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert head.meta["og:url"].endswith(f"/zh-hans/resources/{resource.slug}/")


def test_service_page_has_service_jsonld_and_call_to_action(demo, client):
    from services.models import Offering

    offering = Offering.objects.filter(is_active=True).exclude(price_minor=None).first()
    response = client.get(_url("marketing:service_detail", "en", offering.code), **BROWSER)
    head = parse(response)
    service = next(node for node in head.jsonld if node["@type"] == "Service")
    assert service["name"] == offering.name and service["offers"]["priceCurrency"] == offering.currency
    assert reverse("services:offering_detail", args=[offering.code]) in response.content.decode()


def test_unpublished_page_is_404(demo, client):
    page = Page.objects.get(slug="history")
    Page.objects.filter(pk=page.pk).update(is_published=False)
    assert client.get(_url("marketing:page_detail", "en", "history")).status_code == 404


def test_sitemap_lists_every_public_page_in_both_languages_with_alternates(demo, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(response.content)
    locations = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    paths = {re.sub(r"^https?://[^/]+", "", loc) for loc in locations}
    assert {"/en/", "/zh-hans/", "/en/resources/local-history/", "/zh-hans/resources/local-history/"} <= paths
    assert "/en/pages/about/" in paths and "/zh-hans/news/novelty-search-week/" in paths
    from services.models import Offering

    code = Offering.objects.filter(is_active=True).first().code
    assert f"/zh-hans/offerings/{code}/" in paths
    first = root.find("s:url", ns)
    langs = {link.get("hreflang") for link in first.findall("x:link", ns)}
    assert {"en", "zh-hans", "x-default"} <= langs


def test_robots_names_sitemap_and_disallows_private_areas(client):
    text = client.get("/robots.txt").content.decode()
    lines = text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/intranet/", "/admin/", "/accounts/", "/services/orders/"):
        assert f"Disallow: {path}" in lines
    assert any(line.startswith("Sitemap: http") and line.endswith("/sitemap.xml") for line in lines)


def test_az_initials_latin_and_pinyin():
    assert selectors.initial("Patent abstracts") == "P"
    assert selectors.initial("地方志数字化特藏") == "D"
    assert selectors.initial("信息检索文献索引") == "X"
    assert selectors.initial("2026 report") == "0-9"


def test_az_index_lists_chinese_titles_under_pinyin_letter(demo, client):
    response = client.get(_url("marketing:az_index", "zh-hans") + "?letter=D", **BROWSER)
    text = response.content.decode()
    assert "地方志数字化特藏" in text
    assert "工业技术专利文摘库" not in text  # G, not D


def test_search_groups_results_by_kind(demo, client):
    from cataloging.models import BibRecord

    record = (
        BibRecord.objects.filter(status=BibRecord.Status.SHARED).exclude(title="").first()
        if hasattr(BibRecord.Status, "SHARED")
        else None
    )
    response = client.get(_url("marketing:search", "en") + "?q=novelty", **BROWSER)
    groups = re.findall(r'data-group="(\w+)"', response.content.decode())
    assert "service" in groups and "page" in groups
    assert len(groups) == len(set(groups))
    if record is not None:
        word = record.title.split()[0]
        response = client.get(_url("marketing:search", "en") + f"?q={word}", **BROWSER)
        assert "record" in re.findall(r'data-group="(\w+)"', response.content.decode())


def test_search_in_chinese_uses_bigrams(demo, client):
    response = client.get(_url("marketing:search", "zh-hans") + "?q=信息检索", **BROWSER)
    assert "信息检索文献索引" in response.content.decode()


def test_no_result_search_is_logged_even_from_cache(demo, client):
    from marketing.models import SearchLog

    url = _url("marketing:search", "en") + "?q=zzzxqv"
    client.get(url, **BROWSER)
    client.get(url, **BROWSER)
    assert SearchLog.objects.get(query="zzzxqv").count == 2


def test_subject_browse_counts_and_class_page(demo, client):
    response = client.get(_url("marketing:subject_browse", "en"), **BROWSER)
    assert response.status_code == 200
    overview = {row["cls"].code: row for row in response.context["overview"]}
    assert overview["K"]["items"] >= 1 and overview["G"]["links"] >= 1
    response = client.get(_url("marketing:subject_browse", "en") + "?clc=K", **BROWSER)
    text = response.content.decode()
    assert "Local history digital collection" in text
    assert reverse("cataloging:public_classification_browse") + "?clc=K" in text
