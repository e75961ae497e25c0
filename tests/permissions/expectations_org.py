"""Permission-matrix entries for the leadership office's org-structure and personnel pages
and technical services' schedule and inventory pages (issue 16).

Org pages: the director and the administrative assistant only (403 for everybody else,
other offices' leadership included for this office's objects: the role check comes first).
Technical-services pages: none of the matrix's roles is technical services, so all are 403.
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect

LEADERSHIP_ONLY = expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403)
TECHSVC_ONLY = expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=403)


def _infodev(demo: Any) -> dict[str, int]:
    from office.models import Department

    return {"pk": Department.objects.get(organization__is_home=True, code="infodev").pk}


def _staff_position(demo: Any) -> dict[str, int]:
    from office.models import Position

    return {"pk": Position.objects.get(code="staff").pk}


def _staff_infodev(demo: Any) -> dict[str, int]:
    return {"user_id": demo.staff_infodev.pk}


def _director(demo: Any) -> dict[str, int]:
    return {"user_id": demo.director.pk}


def _deputy_row(demo: Any) -> dict[str, int]:
    import datetime

    from procurement.models import Deputy

    row = Deputy.objects.create(
        department=demo.head_infodev.staff_profile.department,
        head=demo.head_infodev,
        deputy=demo.staff_infodev,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 1, 31),  # over: ending it is refused, nothing changes
    )
    return {"user_id": demo.head_infodev.pk, "row": row.pk}


def _backup_schedule(demo: Any) -> dict[str, int]:
    from django_celery_beat.models import PeriodicTask

    from office.schedules import ensure_periodic_tasks

    ensure_periodic_tasks()
    return {"pk": PeriodicTask.objects.get(name="nightly backup").pk}


def _projector(demo: Any) -> dict[str, int]:
    from office.models import Equipment

    return {"pk": Equipment.objects.get(organization__is_home=True, asset_tag="av-0001").pk}


def _projector_manual(demo: Any) -> dict[str, int]:
    from django.core.files.base import ContentFile

    from office.models import Equipment, EquipmentDocument

    item = Equipment.objects.get(organization__is_home=True, asset_tag="av-0001")
    document = EquipmentDocument(equipment=item, title="Manual")
    document.file.save("manual.txt", ContentFile(b"Lamp: 3,000 hours."), save=False)
    document.save()
    return {"pk": item.pk, "doc": document.pk}


def _home_vendor(demo: Any) -> dict[str, int]:
    from procurement.models import Vendor

    return {"pk": Vendor.objects.get(code="bookhub", organization__is_home=True).pk}


POST_ONLY = everyone(405)

EXPECTATIONS = [
    Entry("office:org_chart", get=LEADERSHIP_ONLY),
    Entry("office:org_unit_create", get=LEADERSHIP_ONLY, post=LEADERSHIP_ONLY),  # empty form -> 200 with errors
    Entry("office:org_unit", kwargs=_infodev, get=LEADERSHIP_ONLY),
    Entry("office:org_unit_rename", kwargs=_infodev, get=POST_ONLY, post=LEADERSHIP_ONLY),
    Entry(
        "office:org_unit_move",
        kwargs=_infodev,
        get=POST_ONLY,
        post=LEADERSHIP_ONLY,  # under itself: refused, the page again with the error
        data=lambda demo: {"parent": _infodev(demo)["pk"]},
    ),
    Entry(
        "office:org_unit_functions",
        kwargs=_infodev,
        get=POST_ONLY,
        post=LEADERSHIP_ONLY,
        data=lambda demo: {"functions": ["no-such-function"]},
    ),
    Entry(
        "office:org_unit_close",
        kwargs=_infodev,
        get=POST_ONLY,
        # It has staff: refused, back to the chart with the reason.
        post=expect(
            anon=LOGIN, client=403, staff=403, head=403, director=Redirect("office:org_chart"), other_office=403
        ),
    ),
    Entry("office:org_positions", get=LEADERSHIP_ONLY),
    Entry("office:org_position_create", get=LEADERSHIP_ONLY, post=LEADERSHIP_ONLY),
    Entry("office:org_position_edit", kwargs=_staff_position, get=LEADERSHIP_ONLY, post=LEADERSHIP_ONLY),
    Entry("office:org_people", get=LEADERSHIP_ONLY),
    Entry("office:org_person_invite", get=LEADERSHIP_ONLY, post=LEADERSHIP_ONLY),
    Entry("office:org_person", kwargs=_staff_infodev, get=LEADERSHIP_ONLY),
    Entry("office:org_person_transfer", kwargs=_staff_infodev, get=POST_ONLY, post=LEADERSHIP_ONLY),
    Entry("office:org_person_deputy", kwargs=_staff_infodev, get=POST_ONLY, post=LEADERSHIP_ONLY),
    Entry(
        "office:org_person_deputy_end",
        kwargs=_deputy_row,
        get=POST_ONLY,
        post=expect(
            anon=LOGIN, client=403, staff=403, head=403, director=Redirect("office:org_people"), other_office=403
        ),
    ),
    # Deactivating oneself is refused: the guided page again with the reason.
    Entry("office:org_person_deactivate", kwargs=_director, get=LEADERSHIP_ONLY, post=LEADERSHIP_ONLY),
    Entry(
        "office:org_person_reactivate",
        kwargs=_staff_infodev,
        get=POST_ONLY,
        # The account is active: refused, back to the list with the reason.
        post=expect(
            anon=LOGIN, client=403, staff=403, head=403, director=Redirect("office:org_people"), other_office=403
        ),
    ),
    Entry(
        "office:org_person_reinvite",
        kwargs=_director,
        get=POST_ONLY,
        post=expect(
            anon=LOGIN, client=403, staff=403, head=403, director=Redirect("office:org_people"), other_office=403
        ),
    ),
    # technical services
    Entry("office:schedule_edit", kwargs=_backup_schedule, get=TECHSVC_ONLY, post=TECHSVC_ONLY),
    Entry("office:backup_retention", get=TECHSVC_ONLY, post=TECHSVC_ONLY),
    Entry("office:equipment_create", get=TECHSVC_ONLY, post=TECHSVC_ONLY),
    Entry("office:equipment_edit", kwargs=_projector, get=TECHSVC_ONLY, post=TECHSVC_ONLY),
    Entry("office:equipment_retire", kwargs=_projector, get=POST_ONLY, post=TECHSVC_ONLY),
    Entry("office:equipment_document_add", kwargs=_projector, get=POST_ONLY, post=TECHSVC_ONLY),
    Entry(
        "office:equipment_document",
        kwargs=_projector_manual,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
    ),
    # the units that own them: the fee schedule (cataloging), provider representatives (procurement)
    Entry(
        "cataloging:fee_schedules",
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=200),
        # head_infodev heads a catalog-review unit of the home office: empty form -> 200 with errors
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
    ),
    Entry(
        "procurement:vendor_representatives",
        kwargs=_home_vendor,
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404),
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=404),
    ),
]
