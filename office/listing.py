"""Sortable lists (docs/ui.md, "Data table"): `?sort=<key>` or `?sort=-<key>` picks one of the
keys a view whitelists; anything else falls back to the view's default (never a 500, never an
arbitrary field). The order always ends with the primary key, so paging is stable when many
rows share a value.

    qs, sort = sorted_by(request, qs, {"created": "created_at", "total": "total_minor"}, "-created")
    return render(..., {"page_obj": _page(request, qs), "sort": sort})

and in the template `{% load listing %}` … `{% sort_th "total" _("Total") "text-end" %}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest

SORT_PARAM = "sort"

# A key's fields: one field name or several; a leading "-" on a field reverses it within the key
# (the sharing desk's "priority" is urgent first, then the nearest deadline).
Fields = str | Sequence[str]


@dataclass(frozen=True)
class Sorting:
    """The list's current order: `key` (one of `keys`) and its direction."""

    key: str
    descending: bool
    keys: tuple[str, ...]
    param: str = SORT_PARAM

    @property
    def value(self) -> str:
        """The query-string value of the current order ("-created")."""
        return f"-{self.key}" if self.descending else self.key

    def value_for(self, key: str) -> str:
        """The value a click on `key`'s header asks for: the other direction of the current
        key, else ascending."""
        if key == self.key and not self.descending:
            return f"-{key}"
        return key


def parse_sort(value: str, allowed: Mapping[str, Fields], default: str) -> tuple[str, bool]:
    """(key, descending) of `value` if its key is allowed, else of `default`."""
    value = (value or "").strip()[:50]
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in allowed:
        descending = default.startswith("-")
        key = default[1:] if descending else default
    return key, descending


def order_expressions(fields: Fields, descending: bool, model: Any = None) -> list[Any]:
    """Order expressions for one key's fields, empty values last in both directions. A column
    of `model` that cannot be empty is ordered plainly: "created_at DESC NULLS LAST" would not
    match the lists' (..., created_at DESC, id DESC) indexes (issue 18), and means the same."""
    names = [fields] if isinstance(fields, str) else list(fields)
    expressions = []
    for name in names:
        reverse = name.startswith("-") != descending
        nulls = {"nulls_last": True} if model is None or _nullable(model, name.lstrip("-")) else {}
        field = F(name.lstrip("-"))
        expressions.append(field.desc(**nulls) if reverse else field.asc(**nulls))
    return expressions


def _nullable(model: Any, path: str) -> bool:
    """Whether `path` (field names joined by "__") may read NULL: a nullable column, or a
    nullable or reverse relation on the way; anything unknown (an annotation) counts as may."""
    from django.core.exceptions import FieldDoesNotExist

    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return True
        if field.null or not field.concrete:
            return True
        model = field.related_model
    return False


def sorted_by(
    request: HttpRequest, qs: QuerySet, allowed: Mapping[str, Fields], default: str, *, param: str = SORT_PARAM
) -> tuple[QuerySet, Sorting]:
    """`qs` in the order the request asks for (whitelisted by `allowed`), with a tiebreak on pk."""
    if default.lstrip("-") not in allowed:
        raise ValueError(f"default sort {default!r} is not one of {sorted(allowed)}")
    key, descending = parse_sort(request.GET.get(param, ""), allowed, default)
    ordered = qs.order_by(*order_expressions(allowed[key], descending, qs.model), "-pk" if descending else "pk")
    return ordered, Sorting(key=key, descending=descending, keys=tuple(allowed), param=param)
