"""Fast document delivery (文献传递): the lender uploads the scan (PDF), the request becomes
*delivered*, and each person waiting for it on the borrowing side (the requester, the client)
gets an expiring, limited-use download link by e-mail. Files are fetched only through
`link_use` (a view checks who asks); after SHARING_FILE_DAYS (default 30) the bytes are
deleted by the sweep and the deletion is audited.

    sent | expect_to_supply | will_supply -> delivered (copy) -> received/complete (borrower)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
import uuid
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.texts import when
from office.uploads import save_upload
from sharing.actions.common import LENDER, acting, borrower_people, close_entry, event, lock, transition
from sharing.models import Agency, DeliveredFile, DownloadLink, RotaEntry, SharingRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = SharingRequest.Status
MAX_BYTES = 50 * 1024 * 1024
LINK_USES = 3


def link_days() -> int:
    return int(getattr(settings, "SHARING_LINK_DAYS", 7))


def file_days() -> int:
    return int(getattr(settings, "SHARING_FILE_DAYS", 30))


def _clean_name(name: str) -> str:
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    return (base or "scan.pdf")[:200]


def _check_pdf(upload: Any) -> None:
    if upload is None:
        raise DomainError(_("Choose the PDF file to deliver."))
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise DomainError(_("The file is empty."))
    if size > MAX_BYTES:
        raise DomainError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise DomainError(_("Deliver the copy as a PDF file."))


@transaction.atomic
def request_deliver(
    *, request_id: int, upload: Any, actor: User | None = None, agency: Agency | None = None
) -> SharingRequest:
    """The lender delivers a copy electronically: the PDF is stored, the request is delivered
    and download links are e-mailed. Refuses loans, other states and anything but a PDF."""
    request = lock(request_id)
    who = acting(request, LENDER, actor, agency)
    if not request.is_copy:
        raise DomainError(_("Only a copy can be delivered electronically; ship a loan."))
    if request.status not in (Status.SENT, Status.EXPECT_TO_SUPPLY, Status.WILL_SUPPLY):
        raise InvalidTransition(request, Status.DELIVERED)
    _check_pdf(upload)
    stored = DeliveredFile(
        request=request,
        original_name=_clean_name(getattr(upload, "name", "")),
        size=upload.size,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    save_upload(stored.file, "scan.pdf", upload)
    stored.save()
    close_entry(request, RotaEntry.Outcome.SUPPLIED)
    request.shipped_at, request.deadline = timezone.now(), None
    params = {"file": stored.pk, "name": stored.original_name, "size": stored.size}
    transition(
        request,
        Status.DELIVERED,
        "delivered",
        actor=actor,
        agency=who,
        params=params,
        fields=["shipped_at", "deadline"],
    )
    for user_id in sorted(borrower_people(request)):
        send_link(stored, user_id)
    return request


def send_link(stored: DeliveredFile, user_id: int) -> DownloadLink:
    """A new link for `user_id`, told in the app and by e-mail (the notification's e-mail copy)."""
    link = DownloadLink.objects.create(
        file=stored,
        user_id=user_id,
        expires_at=timezone.now() + dt.timedelta(days=link_days()),
        max_uses=LINK_USES,
        emailed_at=timezone.now(),
    )
    request = stored.request
    notify(
        recipient_id=user_id,
        verb="sharing.request.delivered",
        title=gettext_noop("The copy for %(number)s is ready to download"),
        body=gettext_noop(
            "Download “%(title)s” from the link below, at most %(uses)s times, until %(expires)s. "
            "Sign in first; the link works only for you."
        ),
        params={
            "number": request.number,
            "title": request.title[:80],
            "uses": LINK_USES,
            "expires": when(link.expires_at),
        },
        url=reverse("sharing:download", kwargs={"token": link.token}),
    )
    return link


@transaction.atomic
def link_use(*, token: uuid.UUID | str, user: User) -> DeliveredFile:
    """Count one download through the link and return the file to send. Somebody else's link
    is PermissionDenied (the view answers 404); an expired, used-up or deleted one is refused."""
    link = DownloadLink.objects.select_for_update().select_related("file", "file__request").filter(token=token).first()
    if link is None or link.user_id != getattr(user, "pk", None):
        raise PermissionDenied
    if link.file.deleted_at is not None:
        raise DomainError(_("This file has been deleted; ask the office for a new copy."))
    if timezone.now() >= link.expires_at:
        raise DomainError(_("This download link has expired."))
    if link.use_count >= link.max_uses:
        raise DomainError(_("This download link has been used as often as it may be."))
    link.use_count += 1
    link.save(update_fields=["use_count"])
    audit.record(
        actor=user,
        target=link.file.request,
        verb="sharing.file.downloaded",
        organization=link.file.request.borrower.organization,
        data={"file": link.file_id, "link": link.pk, "use": link.use_count},
    )
    return link.file


def file_delete(file_id: int, *, now: dt.datetime | None = None) -> bool:
    """Delete one delivered file's bytes once it is older than SHARING_FILE_DAYS (audited
    and on the timeline). Idempotent: a deleted file is skipped. True if deleted now."""
    now = now or timezone.now()
    with transaction.atomic():
        stored = DeliveredFile.objects.select_for_update().select_related("request").filter(pk=file_id).first()
        if stored is None or stored.deleted_at is not None or stored.created_at > now - dt.timedelta(days=file_days()):
            return False
        name = stored.file.name
        stored.deleted_at = now
        stored.file = ""
        stored.save(update_fields=["deleted_at", "file"])
        data = {"file": stored.pk, "name": stored.original_name, "days": file_days()}
        audit.record(actor=None, target=stored.request, verb="sharing.file.deleted", organization=None, data=data)
        event(stored.request, "file_deleted", data)
    if name:
        # After commit: a rolled-back deletion must not lose the bytes; a crash here leaves an
        # orphan the storage clean-up can remove, never a row pointing at nothing.
        with contextlib.suppress(OSError):
            DeliveredFile._meta.get_field("file").storage.delete(name)
    return True
