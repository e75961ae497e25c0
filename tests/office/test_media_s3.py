"""Uploaded files in an S3-compatible bucket (issue 19 item 3, MEDIA_STORE=s3).

The storage is built by `office.settings._media_storage` from the MEDIA_S3_* variables and
talks over HTTP to moto's standalone server on 127.0.0.1 (started as in test_backups_s3);
nothing inside boto3 or django-storages is mocked. Every upload goes through the real view
as the role that makes it, every download through a view that checks who asks, and nothing
is written under MEDIA_ROOT.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cataloging.models import BibRecord, ImportJob
from office.settings import _media_storage
from services import selectors as services_selectors
from services.models import DownloadLink, OrderFile
from tests.cataloging.factories import make_raw
from tests.office.test_backups_s3 import ACCESS_KEY, REGION, SECRET_KEY, _client, s3_endpoint  # noqa: F401
from tests.services.factories import PDF, order_in

pytestmark = pytest.mark.django_db

PREFIX = "intranet/media"
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")  # fmt: skip


@pytest.fixture
def bucket(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, s3_endpoint: str) -> Iterator[Any]:  # noqa: F811
    """MEDIA_STORE=s3 on a fresh bucket, configured as a deployment would; returns a client of
    our own to inspect the bucket. MEDIA_ROOT points at an empty folder that must stay empty."""
    name = f"intranet-media-{secrets.token_hex(4)}"
    client = _client(s3_endpoint)
    client.create_bucket(Bucket=name)
    variables = {
        "MEDIA_S3_BUCKET": name,
        "MEDIA_S3_PREFIX": f"/{PREFIX}/",
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_REGION": REGION,
        "MEDIA_S3_ACCESS_KEY": ACCESS_KEY,
        "MEDIA_S3_SECRET_KEY": SECRET_KEY,
    }
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    settings.MEDIA_STORE = "s3"
    settings.STORAGES = {**settings.STORAGES, "default": _media_storage("s3")}
    settings.MEDIA_ROOT = tmp_path / "media"
    client.bucket = name
    yield client
    assert not any(Path(settings.MEDIA_ROOT).rglob("*")), "a file was written to the local disk"


def _keys(bucket: Any) -> list[str]:
    return sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=bucket.bucket).get("Contents", []))


def _key(field_file: Any) -> str:
    return f"{PREFIX}/{field_file.name}"


def _body(bucket: Any, key: str) -> bytes:
    return bucket.get_object(Bucket=bucket.bucket, Key=key)["Body"].read()


def _assert_private(bucket: Any, key: str) -> None:
    grants = bucket.get_object_acl(Bucket=bucket.bucket, Key=key)["Grants"]
    assert grants, "the object has no ACL at all"
    assert not [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GRANTEES], grants


def _streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- settings ---------------------------------------------------------------------------------------


def test_media_variables_build_a_private_s3_storage(bucket, monkeypatch):
    from storages.backends.s3 import S3Storage

    storage = storages["default"]
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.location, storage.default_acl) == (bucket.bucket, PREFIX, "private")
    assert storage.file_overwrite is False and storage.querystring_auth is True
    # An accidental .url is a signed, short-lived link, never a public address.
    url = storage.url("anything.pdf")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60&" in url
    monkeypatch.delenv("MEDIA_S3_BUCKET")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_S3_BUCKET"):
        _media_storage("s3")
    with pytest.raises(ImproperlyConfigured, match="local or s3"):
        _media_storage("ftp")
    monkeypatch.setenv("STORAGE_BACKEND", "storages.backends.s3.S3Storage")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORE"):
        _media_storage("local")


# --- services: order files ----------------------------------------------------------------------------


def test_client_attachment_goes_to_the_bucket_and_only_the_order_s_people_fetch_it(demo, bucket):
    order = order_in(demo, "requested")
    content = PDF + b"% client brief\n"
    response = demo.client("client_a").post(
        reverse("services:order_file_upload", args=[order.pk]),
        {"file": SimpleUploadedFile("brief 说明.pdf", content)},
    )
    assert response.status_code == 302
    item = order.files.get()
    assert item.kind == OrderFile.Kind.REQUIREMENT
    assert _keys(bucket) == [_key(item.file)]
    assert _body(bucket, _key(item.file)) == content
    _assert_private(bucket, _key(item.file))

    url = reverse("services:order_file_download", args=[order.pk, item.pk])
    for who in ("client_a", "head_infodev"):
        response = demo.client(who).get(url)
        assert response.status_code == 200, who
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert _streamed(response) == content
    for who in ("client_b", "staff_east"):
        assert demo.client(who).get(url).status_code == 404, who


def test_deliverable_and_report_reach_the_client_through_its_link_only(
    demo, bucket, django_capture_on_commit_callbacks
):
    order = order_in(demo, "in_progress")
    staff = demo.client("staff_infodev")
    content = PDF + b"% deliverable\n"
    response = staff.post(
        reverse("services:order_file_upload", args=[order.pk]), {"file": SimpleUploadedFile("result.pdf", content)}
    )
    assert response.status_code == 302
    deliverable = order.files.get(kind=OrderFile.Kind.DELIVERABLE)
    reviewer = next(u for u in services_selectors.reviewers_for(order) if u != demo.staff_infodev)
    response = staff.post(
        reverse("services:order_report", args=[order.pk]),
        {"findings": "Three close patents.", "conclusion": "Novel.", "reviewer": reviewer.pk},
    )
    assert response.status_code == 302
    report = order.files.get(kind=OrderFile.Kind.REPORT)
    assert _keys(bucket) == sorted([_key(deliverable.file), _key(report.file)])
    assert _body(bucket, _key(report.file)).startswith(b"%PDF-")
    _assert_private(bucket, _key(report.file))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("services:order_deliver", args=[order.pk]),
            {"channel": "download", "files": [deliverable.pk, report.pk]},
        )
    assert response.status_code == 302
    links = {link.file_id: link for link in DownloadLink.objects.filter(file__order=order)}
    assert set(links) == {deliverable.pk, report.pk}
    url = reverse("services:download", args=[links[deliverable.pk].pk])
    response = demo.client("client_a").get(url)
    assert response.status_code == 200 and _streamed(response) == content
    assert _streamed(demo.client("client_a").get(reverse("services:download", args=[links[report.pk].pk]))).startswith(
        b"%PDF-"
    )
    for who in ("client_b", "staff_infodev", "staff_east"):
        assert demo.client(who).get(url).status_code == 404, who
    # Deliverables are not fetched directly by the client, and an expired link is gone.
    direct = reverse("services:order_file_download", args=[order.pk, deliverable.pk])
    assert demo.client("client_a").get(direct).status_code == 404
    DownloadLink.objects.filter(pk=links[deliverable.pk].pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert demo.client("client_a").get(url).status_code == 404


def test_delivery_by_e_mail_attaches_the_file_read_back_from_the_bucket(
    demo, bucket, django_capture_on_commit_callbacks
):
    order = order_in(demo, "in_progress")
    staff = demo.client("staff_infodev")
    content = PDF + b"% mailed\n"
    staff.post(reverse("services:order_file_upload", args=[order.pk]), {"file": SimpleUploadedFile("r.pdf", content)})
    deliverable = order.files.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("services:order_deliver", args=[order.pk]), {"channel": "email", "files": [deliverable.pk]}
        )
    assert response.status_code == 302
    sent = [m for m in mail.outbox if m.attachments]
    assert len(sent) == 1
    assert sent[0].attachments[0][1] == content


# --- cataloging: MARC uploads ---------------------------------------------------------------------------


def test_marc_uploads_are_kept_apart_in_the_bucket_and_imported_from_it(
    demo, bucket, django_capture_on_commit_callbacks
):
    staff = demo.client("staff_east")
    files = [
        make_raw(control="S3A", title="Stored in a bucket", isbn=None),
        make_raw(control="S3B", title="Second upload", isbn=None),
    ]
    for data in files:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(reverse("cataloging:import_upload"), {"file": SimpleUploadedFile("books.mrc", data)})
        assert response.status_code == 302
    jobs = list(ImportJob.objects.filter(organization__code="east").order_by("pk"))
    assert [job.status for job in jobs] == [ImportJob.Status.SUCCEEDED] * 2
    # The same file name twice: two objects, the first never overwritten by the second.
    assert _keys(bucket) == sorted(_key(job.file) for job in jobs) and jobs[0].file.name != jobs[1].file.name
    assert [_body(bucket, _key(job.file)) for job in jobs] == files
    _assert_private(bucket, _key(jobs[0].file))
    assert (
        BibRecord.objects.filter(organization__code="east", title__in=["Stored in a bucket", "Second upload"]).count()
        == 2
    )

    report = reverse("cataloging:import_job_report", kwargs={"pk": jobs[0].pk})
    assert "S3A,created" in staff.get(report).content.decode("utf-8-sig")
    assert demo.client("staff_north").get(report).status_code == 404
    assert demo.client("client_a").get(report).status_code in (403, 404)


# --- deletion ---------------------------------------------------------------------------------------------


def test_deleting_a_stored_file_removes_its_object_from_the_bucket(demo, bucket):
    order = order_in(demo, "requested")
    demo.client("client_a").post(
        reverse("services:order_file_upload", args=[order.pk]), {"file": SimpleUploadedFile("gone.pdf", PDF)}
    )
    item = order.files.get()
    name = item.file.name
    assert default_storage.exists(name)
    item.file.delete(save=False)
    assert not default_storage.exists(name)
    assert _keys(bucket) == []


def test_import_file_clean_up_removes_the_object_from_the_bucket(demo, bucket, django_capture_on_commit_callbacks):
    from cataloging import actions as cataloging_actions

    staff = demo.client("staff_east")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("cataloging:import_upload"), {"file": SimpleUploadedFile("old.mrc", make_raw(isbn=None))})
    job = ImportJob.objects.get(organization__code="east")
    assert job.status == ImportJob.Status.SUCCEEDED and _keys(bucket) == [_key(job.file)]
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=31))
    assert cataloging_actions.import_files_remove() == 1
    assert _keys(bucket) == []
    assert staff.get(reverse("cataloging:import_job_report", kwargs={"pk": job.pk})).status_code == 200
