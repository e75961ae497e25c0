"""The catalog results page (issue 20): sort orders kept in paging links, "did you mean" from
the words of the shared records (pg_trgm), and ways on from a search that finds nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from cataloging import search
from cataloging.models import BibRecord
from cataloging.views import catalog as catalog_views
from tests.cataloging.factories import make_record
from tests.factories import member_office

pytestmark = pytest.mark.django_db
S = BibRecord.Status
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm and the term table")
URL = "cataloging:public_search"


@pytest.fixture
def shelf(db):
    north = member_office("north")
    for title, year in [("Zebra retrieval", 2001), ("Apple retrieval", 1990), ("Mango retrieval", 2015)]:
        make_record(north, status=S.APPROVED, title=title, year=year, isbn=None, subjects=("Information retrieval",))
    make_record(north, status=S.DRAFT, title="Quixotryx draft notes", isbn=None)
    return north


def _titles(response) -> list[str]:
    return [r.title for r in response.context["records"]]


def test_sort_orders_and_the_select(shelf, client):
    url = reverse(URL)
    assert _titles(client.get(url, {"title": "retrieval"})) == ["Apple retrieval", "Mango retrieval", "Zebra retrieval"]
    newest = client.get(url, {"title": "retrieval", "sort": "newest"})
    assert _titles(newest) == ["Mango retrieval", "Zebra retrieval", "Apple retrieval"]
    assert _titles(client.get(url, {"title": "retrieval", "sort": "oldest"}))[0] == "Apple retrieval"
    assert _titles(client.get(url, {"q": "retrieval", "sort": "title"}))[0] == "Apple retrieval"
    assert _titles(client.get(url, {"q": "retrieval", "sort": "oldest"}))[-1] == "Mango retrieval"
    html = newest.content.decode()
    assert '<option value="newest" selected>' in html and 'value="relevance"' not in html  # relevance: keywords only
    assert '<input type="hidden" name="title" value="retrieval">' in html  # the sort form repeats the search
    keyword = client.get(url, {"q": "retrieval"}).content.decode()
    assert '<option value="relevance" selected>' in keyword
    assert client.get(url, {"title": "retrieval", "sort": "bogus"}).context["params"].sort == ""


def test_paging_links_keep_the_sort(shelf, client, monkeypatch):
    monkeypatch.setattr(catalog_views, "PAGE_SIZE", 2)  # where the search page uses it
    response = client.get(reverse(URL), {"title": "retrieval", "sort": "newest"})
    assert _titles(response) == ["Mango retrieval", "Zebra retrieval"]
    assert "sort=newest" in response.content.decode().split('aria-label="Pages"')[1]
    assert _titles(client.get(reverse(URL), {"title": "retrieval", "sort": "newest", "page": 2})) == ["Apple retrieval"]


@postgres_only
def test_the_words_of_shared_records_are_collected(shelf):
    with connection.cursor() as cursor:
        cursor.execute("SELECT term FROM cataloging_searchterm WHERE term IN ('zebra', 'information', 'quixotryx')")
        assert {row[0] for row in cursor.fetchall()} == {"zebra", "information"}  # not the draft's word


@postgres_only
def test_did_you_mean_offers_a_word_of_the_catalog_that_finds_records(shelf, client):
    response = client.get(reverse(URL), {"q": "retreival"})
    assert not list(response.context["records"])
    assert response.context["suggestion"] == "retrieval"
    html = response.content.decode()
    assert 'id="did-you-mean"' in html and "?q=retrieval" in html
    assert client.get(reverse(URL), {"q": "zebra retreival"}).context["suggestion"] == "zebra retrieval"
    assert client.get(reverse(URL), {"q": "retrieval"}).context["suggestion"] == ""  # it found records
    assert client.get(reverse(URL), {"q": "quixotryxx"}).context["suggestion"] == ""  # a draft's word: not offered
    # Under the same filters: no record of 1850 matches "retrieval" either, so nothing is offered.
    assert client.get(reverse(URL), {"q": "retreival", "year": "1850"}).context["suggestion"] == ""


@postgres_only
def test_did_you_mean_costs_one_lookup_a_word_and_a_check(shelf, django_assert_max_num_queries):
    params = search.SearchParams(q="retreival zebra")
    with django_assert_max_num_queries(4):  # two words: exact, similar; then the corrected query's check
        assert search.suggestion(BibRecord.objects.shared(), params, 0) == "retrieval zebra"


def test_no_results_lead_to_browsing_and_to_the_search_without_filters(shelf, client):
    response = client.get(reverse(URL), {"q": "retrieval", "year": "1850"})
    html = response.content.decode()
    assert 'id="no-results"' in html
    assert 'href="?q=retrieval" id="clear-filters"' in html
    assert reverse("cataloging:public_classification_browse") in html
    assert reverse("marketing:subject_browse") in html
    bare = client.get(reverse(URL), {"q": "nothingmatchesthis"}).content.decode()
    assert 'id="clear-filters"' not in bare  # no filters to clear


def test_no_results_page_in_chinese(shelf, client):
    html = client.get(reverse(URL), {"q": "retrieval", "year": "1850"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "去掉筛选条件重新检索" in html and "按类浏览馆藏目录" in html
