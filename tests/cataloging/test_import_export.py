"""MARC in and out: formats, bad files, re-import matching, lossless round trips, the upload page."""

from __future__ import annotations

import io
import unicodedata

import pymarc
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pymarc import Field, Indicators, Record, Subfield

from cataloging import actions, marc
from cataloging.models import BibRecord, ImportJob, RecordVersion
from tests.cataloging.factories import make_marc, make_raw, make_record
from tests.factories import People, home_office, member_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def east(db):
    return member_office("east")


@pytest.fixture
def north(east):
    """North imports into a network with another member office, whose records it must not match."""
    return member_office("north")


def _file(*raws: bytes) -> bytes:
    return b"".join(raws)


def _import(data: bytes, org, **kwargs):
    return actions.marc_import(data=data, organization=org, actor=None, **kwargs)


def _three() -> list[bytes]:
    return [
        make_raw(control="N1", title="Information retrieval", isbn="9780070544840"),
        make_raw(control="N2", title="中文信息检索系统", author="王敏", isbn="9787040123458", language="chi"),
        make_raw(control="N3", title="Digital library futures", author="Arms, William Y.", isbn=None, year=2001),
    ]


# --- formats ---------------------------------------------------------------------------------------


def test_import_iso2709_creates_drafts_and_reimport_matches(north):
    data = _file(*_three())
    result = _import(data, north)
    assert [r.outcome for r in result.rows] == ["created"] * 3
    assert BibRecord.objects.filter(organization=north, status="draft").count() == 3
    chinese = BibRecord.objects.get(organization=north, control_number="N2")
    assert chinese.title == "中文信息检索系统" and chinese.language == "chi"
    again = _import(data, north)
    assert [r.outcome for r in again.rows] == ["unchanged"] * 3
    assert BibRecord.objects.filter(organization=north).count() == 3


def test_reimport_of_changed_draft_writes_new_version(north):
    _import(make_raw(control="N1", title="Old title"), north)
    result = _import(make_raw(control="N1", title="New title"), north)
    assert result.rows[0].outcome == "updated"
    record = BibRecord.objects.get(organization=north)
    assert (record.title, record.version) == ("New title", 2)


def test_reimport_matches_isbn10_against_isbn13_then_title_author_year(north):
    _import(make_raw(control=None, isbn="0-07-054484-0"), north)  # ISBN-10 of 9780070544840
    # same ISBN written as ISBN-13: the record is matched (and updated, since 020 $a differs)
    assert _import(make_raw(control=None, isbn="978-0-07-054484-0"), north).rows[0].outcome == "updated"
    _import(make_raw(control=None, isbn=None, title="Keyed book", year=1999), north)
    result = _import(make_raw(control=None, isbn=None, title="Keyed book", year=1999, publisher="Other"), north)
    assert result.rows[0].outcome == "updated"
    assert BibRecord.objects.filter(organization=north).count() == 2
    assert BibRecord.objects.get(organization=north, title="Information retrieval").isbn == "9780070544840"


def test_reimport_does_not_duplicate_a_shared_record_of_another_office(north, east):
    shared = make_record(east, status=BibRecord.Status.APPROVED, isbn="9780070544840")
    result = _import(make_raw(control="X", isbn="9780070544840", publisher="Changed"), north)
    assert result.rows[0].outcome == "skipped" and str(shared.pk) in result.rows[0].message
    assert not BibRecord.objects.filter(organization=north).exists()


def test_marcxml_import(north):
    data = marc.marcxml_bytes(make_raw(control="X1", title="XML book 书")).replace(
        b"</collection>",
        pymarc.record_to_xml(make_marc(control="X2", title="Second", isbn=None), namespace=False) + b"</collection>",
    )
    result = _import(data, north)
    assert [r.outcome for r in result.rows] == ["created", "created"]
    assert BibRecord.objects.get(control_number="X1").title == "XML book 书"


def test_marc8_record_is_converted_to_utf8(north):
    record = Record(leader="00000nam  2200000 a 4500", to_unicode=False)  # leader/09 blank: MARC-8
    record.add_field(Field(tag="001", data="M8"))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", "Caf\xe2e society")]))
    record.add_field(Field(tag="260", indicators=Indicators(" ", " "), subfields=[Subfield("b", "Pub")]))
    raw = record.as_marc()
    assert raw[9:10] == b" " and b"\xe2e" in raw
    result = _import(raw, north)
    assert result.rows[0].outcome == "created"
    stored = BibRecord.objects.get(control_number="M8")
    assert unicodedata.normalize("NFC", stored.title) == "Café society"
    version = RecordVersion.objects.get(record=stored)
    assert bytes(version.marc)[9:10] == b"a"


# --- bad input -------------------------------------------------------------------------------------


def test_bad_records_are_reported_and_the_rest_imported(north):
    good1 = make_raw(control="G1", title="One", isbn=None)
    bad = bytearray(make_raw(control="B1", title="Bad", isbn=None))
    good2 = make_raw(control="G2", title="Two", isbn=None)
    bad[0:5] = b"%05d" % (len(bad) + 7)  # the leader lies about the length
    broken_utf8 = bytearray(make_raw(control="B2", title="Broken éé", isbn=None))
    at = broken_utf8.index("é".encode())
    broken_utf8[at : at + 2] = b"\xff\xfe"
    result = _import(_file(good1, bytes(bad), good2, bytes(broken_utf8)), north)
    outcomes = [(r.number, r.control_number, r.outcome) for r in result.rows]
    assert outcomes == [(1, "G1", "created"), (2, "B1", "error"), (3, "G2", "created"), (4, "B2", "error")]
    assert "record length" in result.rows[1].message
    assert "UTF-8" in result.rows[3].message
    assert BibRecord.objects.filter(organization=north).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a MARC file"),
        (b"<html><body>hello</body></html>", "not MARCXML"),
        (b"<collection><record>", "not well-formed"),
    ],
)
def test_unreadable_files_are_refused_whole(north, data, message):
    with pytest.raises(marc.MarcFileError, match=message):
        _import(data, north)
    assert not BibRecord.objects.filter(organization=north).exists()


def test_truncated_file_changes_nothing(north):
    data = _file(*_three())
    before = BibRecord.objects.count()
    with pytest.raises(marc.MarcFileError, match="truncated"):
        _import(data[:-40], north)
    assert BibRecord.objects.count() == before


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE collection [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 i 4500</leader>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">&xxe;</subfield></datafield></record></collection>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<collection><record><leader>00000nam a2200000 i 4500</leader>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">&lol3;</subfield></datafield></record></collection>"""


@pytest.mark.parametrize("data", [XXE, LAUGHS])
def test_xml_entities_are_never_resolved(north, data):
    with pytest.raises(marc.MarcFileError, match="DTD"):
        _import(data, north)
    assert not BibRecord.objects.filter(organization=north).exists()


def test_script_in_a_field_is_stored_as_text_and_rendered_escaped(people, north):
    evil = make_raw(
        control="XSS",
        title="<script>alert(1)</script>",
        extra=(
            Field(tag="856", indicators=Indicators("4", "0"), subfields=[Subfield("u", "javascript:alert(2)")]),
            Field(tag="856", indicators=Indicators("4", "0"), subfields=[Subfield("u", "https://example.org/x")]),
        ),
    )
    _import(evil, north, share=True)
    record = BibRecord.objects.get(control_number="XSS")
    html = (
        people.client(None).get(reverse("cataloging:public_record_detail", kwargs={"pk": record.pk})).content.decode()
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="https://example.org/x"' in html


# --- round trips ---------------------------------------------------------------------------------------


def test_iso2709_round_trip_is_byte_for_byte(north, tmp_path):
    data = _file(*_three())
    source = tmp_path / "in.mrc"
    source.write_bytes(data)
    call_command("import_marc", str(source), "--org", "north", stdout=io.StringIO())
    out = tmp_path / "out.mrc"
    call_command("export_marc", "--out", str(out), "--org", "north", stdout=io.StringIO())
    assert out.read_bytes() == data


def test_marcxml_round_trip_is_field_for_field(north, tmp_path):
    originals = [marc.record_from_storage(raw) for raw in _three()]
    buffer = io.BytesIO()
    writer = pymarc.XMLWriter(buffer)
    for record in originals:
        writer.write(record)
    writer.close(close_fh=False)
    source = tmp_path / "in.xml"
    source.write_bytes(buffer.getvalue())
    call_command("import_marc", str(source), "--org", "north", "--share", stdout=io.StringIO())
    assert BibRecord.objects.filter(organization=north, status="approved").count() == 3
    out = tmp_path / "out.xml"
    call_command("export_marc", "--out", str(out), "--org", "north", "--format", "marcxml", stdout=io.StringIO())
    exported = pymarc.parse_xml_to_array(str(out))
    assert len(exported) == 3
    for before, after in zip(originals, exported, strict=True):
        assert marc.fields_equal(before, after)
        assert [f.tag for f in before.fields] == [f.tag for f in after.fields]


def test_import_command_reports_file_errors(north, tmp_path):
    bad = tmp_path / "bad.mrc"
    bad.write_bytes(b"garbage")
    with pytest.raises(CommandError, match="not a MARC file"):
        call_command("import_marc", str(bad), "--org", "north", stdout=io.StringIO())


# --- the upload page --------------------------------------------------------------------------------------


def test_upload_runs_the_import_as_a_job_with_progress_and_csv_report(people, django_capture_on_commit_callbacks):
    client = people.client("staff_east")
    data = _file(make_raw(control="U1", title="Uploaded 上传"), b"garbage-record\x1d")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cataloging:import_upload"), {"file": SimpleUploadedFile("books.mrc", data)})
    job = ImportJob.objects.get(organization__code="east")
    assert response.status_code == 302 and response["Location"] == reverse(
        "cataloging:import_job_detail", kwargs={"pk": job.pk}
    )
    assert job.status == ImportJob.Status.SUCCEEDED
    assert (job.total, job.created_count, job.error_count) == (2, 1, 1)
    progress = client.get(reverse("cataloging:import_job_progress", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    assert b"100%" in progress.content
    report = client.get(reverse("cataloging:import_job_report", kwargs={"pk": job.pk}))
    text = report.content.decode("utf-8-sig")
    assert report["Content-Type"].startswith("text/csv")
    assert "1,U1,created" in text and "2,,error" in text


def test_upload_limit_and_bad_files_leave_the_catalog_unchanged(people, east):
    make_record(east, title="Already in the catalog")
    client = people.client("staff_east")
    before = BibRecord.objects.count()
    big = SimpleUploadedFile("big.mrc", b"0" * (50 * 1024 * 1024))
    response = client.post(reverse("cataloging:import_upload"), {"file": big})
    assert response.status_code == 200
    assert "the limit is 20 MB" in response.content.decode()
    for content, message in [(make_raw()[:-30], "truncated"), (b"\x00\x01\x02", "not a MARC file"), (XXE, "DTD")]:
        response = client.post(reverse("cataloging:import_upload"), {"file": SimpleUploadedFile("x.mrc", content)})
        assert response.status_code == 200 and message in response.content.decode()
    empty = client.post(reverse("cataloging:import_upload"), {"file": SimpleUploadedFile("e.mrc", b"")})
    assert empty.status_code == 200
    assert not ImportJob.objects.exists()
    assert BibRecord.objects.count() == before


def test_export_download_is_the_offices_catalog(people, east):
    home = home_office()
    make_record(east, title="East's own draft")
    make_record(east, status=BibRecord.Status.APPROVED, title="East's shared book", isbn=None)
    held = make_record(home, status=BibRecord.Status.APPROVED, title="Home's book east holds", isbn=None)
    held.holdings.create(organization=east)
    make_record(home, status=BibRecord.Status.APPROVED, title="Home's book east does not hold", isbn=None)
    client = people.client("staff_east")
    response = client.get(reverse("cataloging:export") + "?format=marcxml")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    records = pymarc.parse_xml_to_array(io.BytesIO(b"".join(response.streaming_content)))
    expected = BibRecord.objects.in_catalog_of(east.pk).count()
    assert len(records) == expected > 0
    iso = b"".join(client.get(reverse("cataloging:export")).streaming_content)
    assert len(marc.split_iso2709(iso)) == expected
