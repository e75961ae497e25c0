"""Publishing anything shown on the public site drops the public pages' cache (marketing/cache.py)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from marketing import cache

SENDERS = (
    "marketing.Page",
    "marketing.NewsItem",
    "marketing.Partner",
    "marketing.Resource",
    "marketing.Subject",
    "marketing.SubjectLink",
    "services.Offering",
    "store.Product",  # products are in the showcase, the A–Z index and the search
)


def connect() -> None:
    from django.apps import apps

    for label in SENDERS:
        model = apps.get_model(label)
        post_save.connect(cache.invalidate, sender=model, dispatch_uid=f"marketing-cache-save-{label}")
        post_delete.connect(cache.invalidate, sender=model, dispatch_uid=f"marketing-cache-delete-{label}")
    m2m_changed.connect(
        cache.invalidate,
        sender=apps.get_model("marketing.Resource").subjects.through,
        dispatch_uid="marketing-cache-m2m",
    )
