"""Backups in an S3-compatible bucket (issue 8, BACKUP_STORE=s3).

Every test talks over HTTP to a real S3-compatible server that the module starts on
127.0.0.1: moto's standalone server (`moto_server`, from requirements-dev.txt) in its own
process. Nothing is mocked inside boto3: backups are uploaded to it, drilled and restored from
what is downloaded back, pruned in it, and damaged in it.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from office.backups.databases import DatabaseTarget, describe_database
from office.backups.drill import backup_drill
from office.backups.restore import find_backup
from office.backups.run import _folder_name, backup_run
from office.backups.stores import S3Store, s3_client
from office.models import AuditEvent, BackupDrill, BackupRun, Organization
from tests.factories import People
from tests.office.test_backups import _drop, _restore_target, _seed

ACCESS_KEY, SECRET_KEY, REGION = "intranet-test", "intranet-test-secret", "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto S3 server process on a free local port, for this module."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    moto_server = Path(sys.executable).with_name("moto_server")
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "false"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"moto_server exited: {log.read_text()}"
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()  # noqa: S310 - local test server
                break
            except OSError:
                assert time.monotonic() < deadline, f"moto_server did not answer: {log.read_text()}"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}),
    )


@pytest.fixture
def s3(settings: Any, tmp_path: Path, s3_endpoint: str) -> Any:
    """BACKUP_STORE=s3 on a fresh bucket; returns a client of our own to inspect the bucket."""
    bucket = f"intranet-backups-{secrets.token_hex(4)}"
    client = _client(s3_endpoint)
    client.create_bucket(Bucket=bucket)
    settings.BACKUP_STORE = "s3"
    settings.BACKUP_S3_BUCKET = bucket
    settings.BACKUP_S3_PREFIX = "office/nightly"
    settings.BACKUP_S3_ENDPOINT_URL = s3_endpoint
    settings.BACKUP_S3_REGION = REGION
    settings.BACKUP_S3_ACCESS_KEY = ACCESS_KEY
    settings.BACKUP_S3_SECRET_KEY = SECRET_KEY
    settings.BACKUP_DIR = tmp_path / "staging"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "scan.pdf").write_bytes(b"%PDF-1.4 demo\n")
    client.bucket = bucket
    return client


def _keys(s3: Any) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=s3.bucket).get("Contents", []))


def _name(run: BackupRun) -> str:
    return run.location.rsplit("/", 1)[1]


def _staging_leftovers(settings: Any) -> list[str]:
    return sorted(p.name for p in Path(settings.BACKUP_DIR).iterdir() if p.name != ".lock")


# --- round trip --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_s3_backup_drill_and_restore_round_trip(s3: Any, settings: Any, tmp_path: Path) -> None:
    offices = _seed()
    newest_office = max(o.pk for o in offices)
    run = backup_run()

    assert run.status == BackupRun.Status.SUCCEEDED, run.error
    name = _name(run)
    assert run.location == f"s3://{s3.bucket}/office/nightly/{name}"
    db_file = run.manifest["database"]["file"]
    assert _keys(s3) == sorted(f"office/nightly/{name}/{f}" for f in (db_file, "media.tar.gz", "manifest.json"))
    stored_manifest = json.loads(
        s3.get_object(Bucket=s3.bucket, Key=f"office/nightly/{name}/manifest.json")["Body"].read()
    )
    assert stored_manifest == run.manifest and stored_manifest["store"] == "s3"
    assert _staging_leftovers(settings) == []  # staged, uploaded, verified, cleaned up

    # The live data moves on; the drill must compare with the backup, not with this.
    deleted_pk = offices[0].pk
    offices[0].delete()
    Organization.objects.filter(pk=offices[1].pk).update(name="Renamed")

    drill = backup_drill()

    assert drill.status == BackupDrill.Status.PASSED, drill.error
    assert drill.details["store"] == "s3" and drill.details["location"] == run.location
    assert drill.details["table_mismatches"] == []
    smoke = drill.details["smoke_test"]
    assert smoke["office.Organization"]["count"] == run.manifest["tables"]["office_organization"]["rows"]
    assert smoke["office.Organization"]["newest_pk"] == newest_office
    assert _staging_leftovers(settings) == []  # the downloaded copy is gone again

    target = _restore_target(tmp_path)
    out = tmp_path / "restore.out"
    try:
        with out.open("w") as stdout:
            call_command(
                "restore_backup",
                str(run.pk),
                "--database-url",
                _url(target),
                "--media-root",
                str(tmp_path / "m"),
                stdout=stdout,
            )
        assert "every table matches" in out.read_text()
        restored = describe_database(target)
        assert restored["tables"] == run.manifest["tables"]
        conn = target.connect()
        try:
            cur = conn.cursor()
            cur.execute(f"SELECT name FROM office_organization WHERE id = {int(deleted_pk)}")
            assert cur.fetchone() == ("Office 0",)
        finally:
            conn.close()
        assert (tmp_path / "m" / "uploads" / "scan.pdf").read_bytes() == b"%PDF-1.4 demo\n"
        # After losing the database (no history rows), the location or the bare name finds it.
        for reference in (run.location, name):
            store, found = find_backup(reference)
            assert (store.kind, found) == ("s3", name)
    finally:
        _drop(target)


def _url(target: DatabaseTarget) -> str:
    if target.vendor == "sqlite":
        return f"sqlite:///{target.name}"
    return f"postgres://{target.user}@{target.host or 'localhost'}:{target.port or 5432}/{target.name}"


# --- damage and crashes ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damage", ["flip_dump", "truncate_media", "delete_dump", "delete_manifest"])
def test_damaged_object_in_the_bucket_fails_the_drill_loudly(s3: Any, damage: str) -> None:
    _seed()
    run = backup_run()
    assert run.status == BackupRun.Status.SUCCEEDED, run.error
    prefix = f"office/nightly/{_name(run)}/"
    dump_key = prefix + run.manifest["database"]["file"]
    if damage == "flip_dump":
        data = bytearray(s3.get_object(Bucket=s3.bucket, Key=dump_key)["Body"].read())
        data[len(data) // 2] ^= 0xFF
        s3.put_object(Bucket=s3.bucket, Key=dump_key, Body=bytes(data))
    elif damage == "truncate_media":
        data = s3.get_object(Bucket=s3.bucket, Key=prefix + "media.tar.gz")["Body"].read()
        s3.put_object(Bucket=s3.bucket, Key=prefix + "media.tar.gz", Body=data[: len(data) // 2])
    elif damage == "delete_dump":
        s3.delete_object(Bucket=s3.bucket, Key=dump_key)
    else:
        s3.delete_object(Bucket=s3.bucket, Key=prefix + "manifest.json")

    drill = backup_drill()

    assert drill.status == BackupDrill.Status.FAILED
    assert "BackupCorrupted" in drill.error
    with pytest.raises(CommandError, match="FAILED"):
        call_command("backup_drill")


class Killed(BaseException):
    """Like SIGKILL: no `except Exception` runs."""


@pytest.mark.django_db(transaction=True)
def test_crash_before_the_manifest_upload_leaves_nothing_that_looks_complete(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_client = s3_client

    def dying_client() -> Any:
        client = real_client()

        def die_on_manifest(params: dict[str, Any], **_kwargs: Any) -> None:
            if params["Key"].endswith("/manifest.json"):
                raise Killed

        client.meta.events.register("provide-client-params.s3.PutObject", die_on_manifest)
        return client

    monkeypatch.setattr("office.backups.stores.s3_client", dying_client)
    with pytest.raises(Killed):
        backup_run()
    interrupted = BackupRun.objects.get()
    orphan_prefix = f"office/nightly/{_folder_name(interrupted)}/"
    orphans = [k for k in _keys(s3) if k.startswith(orphan_prefix)]
    assert orphans and not any(k.endswith("manifest.json") for k in orphans)  # data there, no manifest
    assert interrupted.status == BackupRun.Status.RUNNING
    # Nothing treats it as a backup: the drill finds no good one.
    assert backup_drill().status == BackupDrill.Status.FAILED
    # A multipart upload the dead process had begun is cleaned up too.
    s3.create_multipart_upload(Bucket=s3.bucket, Key=orphan_prefix + "db.dump")

    monkeypatch.undo()
    good = backup_run()

    assert good.status == BackupRun.Status.SUCCEEDED, good.error
    interrupted.refresh_from_db()
    assert interrupted.status == BackupRun.Status.FAILED and "Interrupted" in interrupted.error
    assert not [k for k in _keys(s3) if k.startswith(orphan_prefix)]
    assert s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []


@pytest.mark.django_db(transaction=True)
def test_unreachable_bucket_fails_the_backup_and_keeps_nothing(s3: Any, settings: Any) -> None:
    settings.BACKUP_S3_BUCKET = "no-such-bucket"
    run = backup_run()
    assert run.status == BackupRun.Status.FAILED
    assert "NoSuchBucket" in run.error
    assert run.location == ""
    assert _staging_leftovers(settings) == []


# --- retention --------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_retention_prunes_in_the_bucket(s3: Any, settings: Any) -> None:
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 1, 0, 0
    first = backup_run()
    assert first.status == BackupRun.Status.SUCCEEDED, first.error
    BackupRun.objects.filter(pk=first.pk).update(started_at=timezone.now() - timezone.timedelta(days=2))
    second = backup_run()  # prunes the first: one day kept

    first.refresh_from_db()
    assert second.status == BackupRun.Status.SUCCEEDED, second.error
    assert first.status == BackupRun.Status.PRUNED
    names = {key.split("/")[2] for key in _keys(s3)}
    assert names == {_name(second)}


# --- health and download ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_checks_the_bucket_and_the_staging_disk(s3: Any, settings: Any) -> None:
    from office import selectors

    check = selectors.health_backup_disk()
    assert check["state"] == selectors.GREEN, check
    assert check["store"] == f"s3://{s3.bucket}/office/nightly/" and check["free"] > 0

    settings.BACKUP_S3_BUCKET = "no-such-bucket"
    check = selectors.health_backup_disk()
    assert check["state"] == selectors.RED and "404" in check["detail"]

    settings.BACKUP_S3_ENDPOINT_URL = f"http://127.0.0.1:{_free_port()}"  # nobody listens
    began = time.monotonic()
    check = selectors.health_backup_disk()
    assert check["state"] == selectors.RED and "Could not connect" in check["detail"]
    assert time.monotonic() - began < 10  # no long retry loop on the health page


@pytest.mark.django_db
def test_the_bucket_check_is_remembered_briefly(s3: Any, settings: Any, monkeypatch: Any) -> None:
    """The public health endpoint cannot make every request wait on the bucket."""
    from office import selectors

    settings.BACKUP_S3_PREFIX = "office/remembered/"
    calls = []
    original = S3Store.health
    monkeypatch.setattr(S3Store, "health", lambda self, need: calls.append(need) or original(self, need))
    first = selectors.health_backup_disk()
    assert selectors.health_backup_disk() == first and len(calls) == 1
    monkeypatch.setattr("office.backups.stores.STORE_HEALTH_TTL_SECONDS", 0)
    selectors.health_backup_disk()
    assert len(calls) == 2


@pytest.fixture
def people(db: Any) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.mark.django_db
def test_technical_services_download_a_file_from_the_bucket(people: People, s3: Any) -> None:
    key = "office/nightly/20260101T023000Z-1/"
    s3.put_object(Bucket=s3.bucket, Key=key + "db.dump", Body=b"PGDMP from s3")
    s3.put_object(Bucket=s3.bucket, Key=key + "manifest.json", Body=b"{}")
    backup = BackupRun.objects.create(
        status=BackupRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        location=f"s3://{s3.bucket}/{key.rstrip('/')}",
        manifest={"files": {"db.dump": {"size": 13, "sha256": "a" * 64}}},
    )
    url = reverse("office:backup_download", kwargs={"pk": backup.pk, "name": "db.dump"})

    assert people.client("director").get(url).status_code == 403
    response = people.client("staff_techsvc").get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"PGDMP from s3"
    assert AuditEvent.objects.filter(verb="office.backup.downloaded").count() == 1
    missing = reverse("office:backup_download", kwargs={"pk": backup.pk, "name": "media.tar.gz"})
    assert people.client("staff_techsvc").get(missing).status_code == 404
