"""The objects an audit page names, loaded once for the page (office.audit_text): the events'
targets, the objects their data points at, and which of them the reader may open
(office.audit_text.links) — every read in one SQL statement (office/dashboard/batch.py), so
the page costs as many queries with one kind of object on it as with twenty (issue 18)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet

from office.audit_text.base import is_id, model_of_type, pks, walk
from office.audit_text.keys import LINKED_KEYS, NAMED_KEYS, PERSON_KEYS
from office.audit_text.links import has_page, open_scope, related_of
from office.dashboard import batch


class Objects:
    """The targets and the objects `data` points at, loaded with the reader's openable pks in
    one query."""

    def __init__(self, events: list[Any], reader: Any) -> None:
        self.reader = reader
        self.targets: dict[tuple[int, str], models.Model] = {}
        self.openable: set[tuple[str, str]] = set()
        self.extra: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
        self._reads: dict[Hashable, Any] = {}
        self._open_column: dict[Hashable, tuple[str, str]] = {}  # open read -> (label, pk column)
        self._want_targets(events)
        self._want_data_objects(events)
        self._store(batch.fetch(self._reads))

    def _want_targets(self, events: list[Any]) -> None:
        wanted: dict[int, set[str]] = defaultdict(set)
        for event in events:
            if event.target_type_id and event.target_id:
                wanted[event.target_type_id].add(event.target_id)
        for type_id, ids in wanted.items():
            model = model_of_type(type_id)
            if model is None:
                continue
            keys = pks(model, ids)
            if not keys:
                continue
            qs = model._default_manager.filter(pk__in=keys)
            if model is get_user_model():
                qs = qs.select_related("staff_profile")
            elif related_of(model):
                qs = qs.select_related(*related_of(model))
            self._reads[("target", type_id)] = batch.instances(qs)
            self._want_open(model, keys)

    def _want_data_objects(self, events: list[Any]) -> None:
        from django.apps import apps

        wanted: dict[tuple[str, str], set[Any]] = defaultdict(set)
        for event in events:
            for key, value in walk(event.data):
                if not is_id(value):
                    continue
                if key in PERSON_KEYS:
                    wanted[("auth", "User")].add(value)
                elif key in NAMED_KEYS:
                    wanted[NAMED_KEYS[key]].add(value)
                elif key in LINKED_KEYS:
                    wanted[LINKED_KEYS[key]].add(value)
        for (app, name), ids in wanted.items():
            model = get_user_model() if app == "auth" else apps.get_model(app, name)
            qs = model._default_manager.filter(pk__in=ids)
            if app == "auth":
                qs = qs.select_related("staff_profile")
            self._reads[("extra", app, name)] = batch.instances(qs)
            if (app, name) in LINKED_KEYS.values():
                self._want_open(model, list(ids))

    def _want_open(self, model: type[models.Model], keys: list[Any]) -> None:
        """Add the read of which of `keys` the reader may open (a queryset's pks), or note them
        when the guard answers without the database."""
        label = model._meta.label_lower
        if model is get_user_model():
            scope, column = self._people_scope(keys), "user_id"
        elif not has_page(model):
            return
        else:
            try:
                scope, column = open_scope(model, self.reader, keys), "pk"
            except Exception:  # a scope that cannot be computed for this reader: no links
                return
        if isinstance(scope, QuerySet):
            key = ("open", len(self._open_column))
            self._reads[key] = batch.rows(scope.order_by().values(column))
            self._open_column[key] = (label, column)
        else:
            self.openable |= {(label, str(pk)) for pk in scope}

    def _people_scope(self, keys: list[Any]) -> QuerySet | list[Any]:
        from office.access import staff_profile
        from office.models import StaffProfile
        from office.permissions import can_manage_org

        profile = staff_profile(self.reader)
        if profile is None or not can_manage_org(self.reader):  # the guard of the person page
            return []
        return StaffProfile.objects.filter(user_id__in=keys, organization_id=profile.organization_id)

    def _store(self, results: dict[Hashable, Any]) -> None:
        for key, value in results.items():
            if key[0] == "target":
                for obj in value:
                    self.targets[(key[1], str(obj.pk))] = obj
            elif key[0] == "extra":
                self.extra[(key[1], key[2])] = {str(obj.pk): obj for obj in value}
            else:
                label, column = self._open_column[key]
                self.openable |= {(label, str(row[column])) for row in value}

    def target(self, event: Any) -> models.Model | None:
        return self.targets.get((event.target_type_id, event.target_id))

    def may_open(self, model: type[models.Model], pk: Any) -> bool:
        return (model._meta.label_lower, str(pk)) in self.openable
