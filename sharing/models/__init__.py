"""Resource sharing (资源共建共享): interlibrary loan (馆际互借) and document delivery (文献传递).

An `Agency` is one party of resource sharing: a member office (with its ISIL-style agency id,
lending policy and fee schedule) or an outside partner library reached over ISO 18626.
A `SharingRequest` is one transaction between a borrowing agency and the current lender of
its rota (`RotaEntry` rows, asked in order); its status follows ISO 18626's vocabulary and
moves only along `TRANSITIONS`. Every change leaves a `RequestEvent` (the timeline, also the
ISO 18626 messages in and out). Delivered scans are `DeliveredFile`s, fetched through
expiring, limited-use `DownloadLink`s. A completed request records a `Charge`; a monthly job
nets each pair of agencies' charges into a `Settlement`. Money is integer minor units.

One module per topic (STYLE §1):

    agencies    Agency, Reciprocity
    requests    SharingRequest, RotaEntry, RequestEvent
    files       DeliveredFile, DownloadLink
    money       Settlement, Charge

This package imports every model (Django finds them here) and re-exports them, so callers
keep writing `from sharing.models import SharingRequest`. Submodules import each other directly
(`sharing.models.agencies`), never this package.
"""

from sharing.models.agencies import Agency, Reciprocity
from sharing.models.files import DeliveredFile, DownloadLink, _delivered_file_path
from sharing.models.money import Charge, Settlement
from sharing.models.requests import RequestEvent, RotaEntry, SharingRequest

__all__ = [
    "Agency",
    "Charge",
    "DeliveredFile",
    "DownloadLink",
    "Reciprocity",
    "RequestEvent",
    "RotaEntry",
    "Settlement",
    "SharingRequest",
    # Migration 0001 names the upload path as `sharing.models._delivered_file_path`.
    "_delivered_file_path",
]
