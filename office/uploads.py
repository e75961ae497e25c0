"""Writing an uploaded file into the media storage, all or nothing (RELIABILITY.md D2).

Django's FileSystemStorage writes a file chunk by chunk and leaves what it wrote when a write
fails: on a full disk (ENOSPC) or a full quota (EDQUOT) a partial file stayed under MEDIA_ROOT
and the user got the 500 page (issue 17). `save_upload` removes the partial file and raises
`StorageFull`, a DomainError: the form shows its translated message and the caller's
transaction rolls back as for any refusal, so no row points at a file that is not whole.
Other storage errors propagate as before.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from typing import Any

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from office.exceptions import DomainError

logger = logging.getLogger(__name__)

DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageFull(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The server's disk is full, so the file was not stored and nothing was saved. "
                "Please try again later; if it keeps happening, tell technical services."
            )
        )


def save_upload(field_file: FieldFile, name: str, content: Any) -> None:
    """What `field_file.save(name, content, save=False)` does, except that a full disk leaves
    no partial file behind and raises StorageFull. The caller saves the row afterwards."""
    field = field_file.field
    storage = field_file.storage
    # The name is settled first (an upload_to callable draws a new one each call) so that a
    # failed write knows which file to remove; it did not exist a moment ago.
    target = storage.get_available_name(field.generate_filename(field_file.instance, name), max_length=field.max_length)
    try:
        stored = storage.save(target, content, max_length=field.max_length)
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            raise
        logger.error("Storage full: %s was not stored (%s)", target, exc)
        with contextlib.suppress(OSError):
            storage.delete(target)
        raise StorageFull from exc
    field_file.name = stored
    setattr(field_file.instance, field.attname, stored)
