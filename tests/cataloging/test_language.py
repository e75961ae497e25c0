"""The language of a record: a whole MARC code from 008/35-37 (else 041), shown as a name in
the reader's language — never "hi" for a Chinese book (issue 20)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from pymarc import Field, Indicators, Record, Subfield

from cataloging.languages import language_name
from cataloging.marc import extract

pytestmark = pytest.mark.django_db


def _record(data008: str, lang041: str = "") -> Record:
    record = Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    record.add_field(Field(tag="008", data=data008))
    if lang041:
        record.add_field(Field(tag="041", indicators=Indicators("0", " "), subfields=[Subfield("a", lang041)]))
    record.add_field(Field(tag="245", indicators=Indicators("0", "0"), subfields=[Subfield("a", "T")]))
    return record


def test_a_whole_code_is_read_from_008():
    assert extract(_record("250101s2019    cc            000 0 chi d"))["fields"]["language"] == "chi"


def test_a_shifted_008_is_not_taken_for_a_language():
    # One character short (the old demo's "cc" for "cc "): 35-37 reads "hi ".
    assert extract(_record("250101s2019    cc           000 0 chi d"))["fields"]["language"] == ""
    assert extract(_record("250101s2019    cc           000 0 chi d", lang041="chi"))["fields"]["language"] == "chi"


def test_language_names_follow_the_reader():
    with translation.override("zh-hans"):
        assert language_name("chi") == "中文"
    with translation.override("en"):
        assert language_name("chi") == "Chinese"
        assert language_name("xyz") == "xyz"


def test_the_demo_catalog_facet_names_chinese(demo, client):
    with translation.override("en"):
        page = client.get(reverse("cataloging:public_search"), {"q": "信息"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "中文" in text
    assert "hi (" not in text
