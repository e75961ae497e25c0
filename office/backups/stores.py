"""The backup store: a local folder or an S3-compatible bucket, where finished backups live,
and its health (free space, and for S3 that the bucket answers)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from office.backups.errors import BackupError
from office.backups.files import MANIFEST, _fsync, _write_json_atomically, store_dir
from office.models import BackupRun

BACKUP_NAME = re.compile(r"^\d{8}T\d{6}Z-\d+$")


def _disk_state(path: Path, need: int) -> dict[str, Any]:
    """Free space at `path`: amber under 20 % or two backups' room, red under 5 % or one."""
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError as exc:
        return {"state": "red", "free": None, "total": None, "detail": type(exc).__name__}
    if usage.free < need or usage.free < usage.total * 0.05:
        state = "red"
    elif usage.free < 2 * need or usage.free < usage.total * 0.20:
        state = "amber"
    else:
        state = "green"
    return {"state": state, "free": usage.free, "total": usage.total, "percent_free": 100 * usage.free // usage.total}


class BackupStore:
    """Where finished backups live. A backup is complete only when its manifest is there, and
    the manifest always arrives last."""

    kind = ""

    def describe(self) -> str:
        raise NotImplementedError

    def location(self, name: str) -> str:
        raise NotImplementedError

    def name_of(self, location: str) -> str | None:
        """The backup's name if `location` is a backup in this store, else None."""
        raise NotImplementedError

    def publish(self, staging: Path, name: str, manifest: dict[str, Any]) -> str:
        """Move the files of `staging` into the store, the manifest last; return the location."""
        raise NotImplementedError

    def fetch(self, name: str) -> contextlib.AbstractContextManager[Path]:
        """A local folder holding the backup's files (for S3: a fresh download, removed after)."""
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError

    def remove_incomplete(self) -> list[str]:
        """Delete every backup without a manifest (called under the lock: nothing is writing)."""
        raise NotImplementedError

    def open_file(self, name: str, filename: str) -> IO[bytes]:
        raise NotImplementedError

    def health(self, need: int) -> dict[str, Any]:
        raise NotImplementedError


class LocalStore(BackupStore):
    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return str(self.root)

    def location(self, name: str) -> str:
        return str(self.root / name)

    def name_of(self, location: str) -> str | None:
        if not location or location.startswith("s3://"):
            return None
        path = Path(location).resolve()
        return path.name if path.parent == self.root.resolve() else None

    def publish(self, staging: Path, name: str, manifest: dict[str, Any]) -> str:
        for path in staging.iterdir():
            _fsync(path)
        _fsync(staging)
        final = self.root / name
        os.rename(staging, final)
        _fsync(self.root)
        _write_json_atomically(final / MANIFEST, manifest)  # last: only now does it look complete
        return str(final)

    @contextlib.contextmanager
    def fetch(self, name: str) -> Iterator[Path]:
        yield self.root / name

    def delete(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def remove_incomplete(self) -> list[str]:
        removed = []
        if not self.root.is_dir():
            return removed
        for path in self.root.iterdir():
            partial = path.name.startswith(".partial-")
            if path.is_dir() and (partial or (BACKUP_NAME.match(path.name) and not (path / MANIFEST).exists())):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        return removed

    def open_file(self, name: str, filename: str) -> IO[bytes]:
        path = (self.root / name / filename).resolve()
        if path.parent.parent != self.root.resolve() or not path.is_file():
            raise FileNotFoundError(filename)
        return path.open("rb")

    def health(self, need: int) -> dict[str, Any]:
        return {**_disk_state(self.root, need), "store": self.describe(), "kind": self.kind}


class S3Store(BackupStore):
    """An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...) through boto3. Each file is one
    object, written whole or not at all; the manifest object is put after every data object."""

    kind = "s3"

    def __init__(self, *, bucket: str, prefix: str = "", client: Any = None) -> None:
        if not bucket:
            raise BackupError(_("BACKUP_STORE is s3 but BACKUP_S3_BUCKET is empty."))
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.client = client or s3_client()

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, name: str, filename: str = "") -> str:
        return f"{self.prefix}{name}/{filename}"

    def location(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{name}"

    def name_of(self, location: str) -> str | None:
        base = f"s3://{self.bucket}/{self.prefix}"
        if not location.startswith(base):
            return None
        rest = location[len(base) :]
        return rest if rest and "/" not in rest and not rest.startswith(".") else None

    def _keys(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def _delete_keys(self, keys: list[str]) -> None:
        for i in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[i : i + 1000]]
            result = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if result.get("Errors"):
                raise BackupError(f"S3 refused to delete {result['Errors'][0]}")

    def publish(self, staging: Path, name: str, manifest: dict[str, Any]) -> str:
        for path in sorted(staging.iterdir()):
            self.client.upload_file(str(path), self.bucket, self.key(name, path.name))
        body = json.dumps(manifest, indent=2, sort_keys=True).encode()
        self.client.put_object(
            Bucket=self.bucket, Key=self.key(name, MANIFEST), Body=body, ContentType="application/json"
        )
        shutil.rmtree(staging, ignore_errors=True)
        return self.location(name)

    @contextlib.contextmanager
    def fetch(self, name: str) -> Iterator[Path]:
        workdir = Path(tempfile.mkdtemp(prefix=".fetch-", dir=store_dir()))  # mode 0700
        folder = workdir / name
        folder.mkdir(mode=0o700)
        try:
            base = self.key(name)
            for key in self._keys(base):
                filename = key[len(base) :]
                if not filename or "/" in filename or filename.startswith("."):
                    continue
                self.client.download_file(self.bucket, key, str(folder / filename))
                os.chmod(folder / filename, 0o600)
            yield folder
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def delete(self, name: str) -> None:
        self._delete_keys(list(self._keys(self.key(name))))

    def remove_incomplete(self) -> list[str]:
        by_name: dict[str, list[str]] = {}
        for key in self._keys(self.prefix):
            name, _sep, filename = key[len(self.prefix) :].partition("/")
            if BACKUP_NAME.match(name) and filename:
                by_name.setdefault(name, []).append(key)
        removed = []
        for name, keys in sorted(by_name.items()):
            if self.key(name, MANIFEST) not in keys:
                self._delete_keys(keys)
                removed.append(name)
        # Parts of an upload the dead process never finished are invisible but billed: abort them.
        uploads = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix).get("Uploads", [])
        for upload in uploads:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        return removed

    def open_file(self, name: str, filename: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(name, filename))["Body"]
        except ClientError as exc:
            raise FileNotFoundError(filename) from exc

    def health(self, need: int) -> dict[str, Any]:
        # Backups are staged on the local disk before upload: it needs room for one too.
        state = _disk_state(Path(settings.BACKUP_DIR), need)
        state.update(store=self.describe(), kind=self.kind)
        try:
            # A quick client: the health page must answer even when S3 does not.
            s3_client(quick=True).head_bucket(Bucket=self.bucket)
        except Exception as exc:  # noqa: BLE001 - any failure means the bucket is not usable
            state.update(state="red", detail=f"{type(exc).__name__}: {exc}"[:300])
        return state


def s3_client(*, quick: bool = False) -> Any:
    import boto3
    from botocore.config import Config

    endpoint = settings.BACKUP_S3_ENDPOINT_URL or None
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=settings.BACKUP_S3_REGION or None,
        # Empty: boto3's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws, roles).
        aws_access_key_id=settings.BACKUP_S3_ACCESS_KEY or None,
        aws_secret_access_key=settings.BACKUP_S3_SECRET_KEY or None,
        config=Config(
            # Self-hosted S3 (MinIO and the like) behind an IP or one host name: path-style URLs.
            s3={"addressing_style": "path" if endpoint else "auto"},
            retries={"total_max_attempts": 1} if quick else {"max_attempts": 5, "mode": "standard"},
            connect_timeout=3 if quick else 10,
            read_timeout=5 if quick else 120,
        ),
    )


def get_store() -> BackupStore:
    """The configured store (settings.BACKUP_STORE)."""
    if settings.BACKUP_STORE == "s3":
        return S3Store(bucket=settings.BACKUP_S3_BUCKET, prefix=settings.BACKUP_S3_PREFIX)
    if settings.BACKUP_STORE != "local":
        raise BackupError(_("BACKUP_STORE must be local or s3, not %(value)s.") % {"value": settings.BACKUP_STORE})
    return LocalStore(Path(settings.BACKUP_DIR))


def locate(location: str, *, configured_only: bool = False) -> tuple[BackupStore, str]:
    """The store and name of the backup at `location` (a BackupRun.location).

    A local folder is found wherever it is (a copy brought back from off-site works), unless
    `configured_only`, which demands the configured store (downloads)."""
    if location.startswith("s3://") or configured_only:
        store = get_store()
        name = store.name_of(location)
        if name is None:
            raise BackupError(
                _("The backup at %(location)s is not in the configured backup store %(store)s.")
                % {"location": location, "store": store.describe()}
            )
        return store, name
    path = Path(location)
    return LocalStore(path.parent), path.name


# The S3 answer is remembered briefly per process, so that the public health endpoint, which
# anyone may call, cannot make every request wait on the bucket.
STORE_HEALTH_TTL_SECONDS = 30


_store_health_memo: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = {}


def store_health() -> dict[str, Any]:
    """For the health page: free space where backups go (and, for S3, that the bucket answers)."""
    key: tuple[str, ...] = ()
    if settings.BACKUP_STORE == "s3":
        key = (settings.BACKUP_S3_ENDPOINT_URL, settings.BACKUP_S3_BUCKET, settings.BACKUP_S3_PREFIX)
        remembered = _store_health_memo.get(key)
        if remembered is not None and time.monotonic() - remembered[0] < STORE_HEALTH_TTL_SECONDS:
            return dict(remembered[1])
    last = BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED).order_by("-started_at").first()
    need = last.size_bytes if last else 0
    try:
        result = get_store().health(need)
    except Exception as exc:  # noqa: BLE001 - e.g. misconfigured: the page must still render
        result = {"state": "red", "free": None, "total": None, "detail": f"{type(exc).__name__}: {exc}"[:300]}
    if key:
        _store_health_memo[key] = (time.monotonic(), dict(result))
    return result
