"""What every office model shares: the bilingual text picker and the created/updated stamps.

Bilingual reference data keeps an English and a Chinese text side by side (`name`,
`name_zh`); `localized` picks the one for the active language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(obj: object, field: str) -> str:
    """The Chinese variant of `field` when the UI is Chinese and it is filled in."""
    if (get_language() or "").startswith("zh"):
        value = getattr(obj, f"{field}_zh", "")
        if value:
            return value
    return getattr(obj, field)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
