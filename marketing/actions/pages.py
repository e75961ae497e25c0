"""Site pages: every save keeps a version (PageVersion), like the policy documents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from marketing import permissions
from marketing.models import Page, PageVersion
from office import audit
from office.exceptions import DomainError

VERSIONED = ("title", "title_zh", "summary", "summary_zh", "body", "body_zh")
FIELDS = (*VERSIONED, "slug", "kind", "is_published", "sort_order")


@transaction.atomic
def page_save(*, actor: Any, page_id: int | None = None, **fields: Any) -> Page:
    """Create or change a page and keep its new text as the next version. Publishing or
    unpublishing is the `is_published` field; the public cache drops on save (signals)."""
    if not permissions.can_edit_site(actor):
        raise PermissionDenied(_("Only the leadership office and customer service edit the site."))
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"page_save: unknown fields {sorted(unknown)}")
    page = Page.objects.select_for_update().get(pk=page_id) if page_id else Page()
    slug = fields.get("slug", page.slug)
    if Page.objects.filter(slug=slug).exclude(pk=page.pk).exists():
        raise DomainError(_("Another page already has the address “%(slug)s”.") % {"slug": slug})
    was_published = page.is_published if page.pk else False
    changed = not page.pk or any(getattr(page, f) != fields.get(f, getattr(page, f)) for f in VERSIONED)
    for name, value in fields.items():
        setattr(page, name, value)
    if changed:
        page.version += 1
    page.save()
    if changed:
        PageVersion.objects.create(
            page=page, number=page.version, created_by=actor, **{f: getattr(page, f) for f in VERSIONED}
        )
    verb = "marketing.page.saved"
    if page.is_published != was_published:
        verb = "marketing.page.published" if page.is_published else "marketing.page.unpublished"
    audit.record(actor=actor, target=page, verb=verb, data={"slug": page.slug, "version": page.version})
    return page
