"""Catalog search (issue 20): on a phone the facets fold behind a "Filters" button (Bootstrap
collapse, always open from 992 px), and stay open without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_facets_fold_behind_a_filters_button(client):
    html = client.get(reverse("cataloging:public_search"), {"year": "2020"}).content.decode()
    button = re.search(r'<button[^>]*id="catalog-facets-toggle"[^>]*>(.*?)</button>', html, re.S)
    assert button, "no Filters button"
    assert 'data-bs-target="#catalog-facets"' in button.group(0) and "d-lg-none" in button.group(0)
    assert "Filters" in button.group(1) and "badge" in button.group(1)  # a filter is on
    assert re.search(r'<div class="collapse d-lg-block" id="catalog-facets">', html)
    assert "<noscript><style>#catalog-facets { display: block !important; }" in html
    # The facets are inside the fold.
    fold = html[html.find('id="catalog-facets"') : html.find("</aside>")]
    assert "All years" in fold


def test_filters_button_in_chinese(client):
    html = client.get(reverse("cataloging:public_search"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    button = re.search(r'<button[^>]*id="catalog-facets-toggle"[^>]*>(.*?)</button>', html, re.S)
    assert button and "筛选" in button.group(1) and "badge" not in button.group(1)
