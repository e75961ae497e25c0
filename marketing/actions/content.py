"""News, partners, resources and the subject navigation: reference content edited in forms.
Each save is audited; the public cache drops on save (marketing/signals.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from marketing import permissions
from marketing.models import NewsItem, Partner, Resource, Subject, SubjectLink
from office import audit
from office.uploads import save_upload


def _save(model: type[models.Model], pk: int | None, actor: Any, fields: dict[str, Any], verb: str) -> Any:
    obj = model.objects.select_for_update().get(pk=pk) if pk else model()
    many = {
        name: fields.pop(name)
        for name in list(fields)
        if isinstance(model._meta.get_field(name), models.ManyToManyField)
    }
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=[f.name for f in model._meta.get_fields() if f.name not in fields])
    obj.save()
    for name, value in many.items():
        getattr(obj, name).set(value)
    audit.record(actor=actor, target=obj, verb=verb, data={"pk": obj.pk, "fields": sorted([*fields, *many])})
    return obj


def _require_editor(actor: Any) -> None:
    if not permissions.can_edit_site(actor):
        raise PermissionDenied(_("Only the leadership office and customer service edit the site."))


def _require_curator(actor: Any) -> None:
    if not permissions.can_curate_subjects(actor):
        raise PermissionDenied(_("Only the navigation group and the site's editors curate the subject navigation."))


@transaction.atomic
def news_save(*, actor: Any, news_id: int | None = None, **fields: Any) -> NewsItem:
    _require_editor(actor)
    return _save(NewsItem, news_id, actor, fields, "marketing.news.saved")


@transaction.atomic
def partner_save(*, actor: Any, partner_id: int | None = None, logo: Any = None, **fields: Any) -> Partner:
    """Save a sponsor or partner; a new logo is stored whole or not at all (save_upload)."""
    _require_editor(actor)
    partner = Partner.objects.select_for_update().get(pk=partner_id) if partner_id else Partner()
    for name, value in fields.items():
        setattr(partner, name, value)
    if logo:
        save_upload(partner.logo, logo.name, logo)
    partner.save()
    audit.record(actor=actor, target=partner, verb="marketing.partner.saved", data={"logo": bool(logo)})
    return partner


@transaction.atomic
def resource_save(*, actor: Any, resource_id: int | None = None, **fields: Any) -> Resource:
    _require_editor(actor)
    return _save(Resource, resource_id, actor, fields, "marketing.resource.saved")


@transaction.atomic
def subject_save(*, actor: Any, subject_id: int | None = None, **fields: Any) -> Subject:
    _require_curator(actor)
    return _save(Subject, subject_id, actor, fields, "marketing.subject.saved")


@transaction.atomic
def subject_link_save(*, actor: Any, link_id: int | None = None, **fields: Any) -> SubjectLink:
    """Save a curated link; a changed address is checked afresh by the next link check."""
    _require_curator(actor)
    if link_id:
        old = SubjectLink.objects.select_for_update().get(pk=link_id)
        if "url" in fields and fields["url"] != old.url:
            fields.update(dead=False, last_status="", last_checked=None)
    return _save(SubjectLink, link_id, actor, fields, "marketing.subject_link.saved")
