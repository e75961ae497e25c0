"""Text uploads are checked as UTF-8 from the first byte to the last (issue 17 item 8: only
the first 2 KiB were), streamed in chunks through an incremental decoder."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services.uploads import UploadRejected, check_upload
from tests.services.factories import order_in

CLEAN = b"Search terms, one a line.\n" * 100  # 2,600 bytes


@pytest.mark.parametrize(
    "tail",
    [b"\xff\xfe not UTF-8", b"binary\x00after the head", b"cut off \xe6\x96"],
    ids=["invalid-bytes", "nul", "truncated-character"],
)
def test_bad_bytes_after_the_first_2_kib_are_refused(tail):
    upload = SimpleUploadedFile("notes.txt", CLEAN + tail)
    with pytest.raises(UploadRejected, match="plain UTF-8"):
        check_upload(upload)


def test_multibyte_text_across_chunk_boundaries_is_accepted():
    # 3-byte characters from offset 1: some straddle every 64 KiB chunk boundary.
    text = ("x" + "检索词，每行一个。\n" * 20_000).encode()
    upload = SimpleUploadedFile("terms.csv", text)
    upload.DEFAULT_CHUNK_SIZE = 1000  # many boundaries, each inside a character somewhere
    checked = check_upload(upload)
    assert checked.content_type.startswith("text/csv")
    assert upload.read(1) == b"x"  # left at the start for storage


@pytest.mark.django_db
def test_an_upload_with_bad_bytes_late_in_the_file_is_not_stored(demo):
    order = order_in(demo, "requested")
    upload = SimpleUploadedFile("notes.txt", CLEAN + b"\xc0\xaf")
    response = demo.client("client_a").post(
        reverse("services:order_file_upload", args=[order.pk]), {"file": upload}, follow=True
    )
    assert "plain UTF-8" in response.content.decode()
    assert not order.files.exists()
