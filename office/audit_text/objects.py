"""The objects an audit page names, loaded once for the page (office.audit_text): the events'
targets and the objects their data points at, one query per model, and which of them the
reader may open (office.audit_text.links)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from office.audit_text.base import is_id, model_of_type, pks, walk
from office.audit_text.keys import LINKED_KEYS, NAMED_KEYS, PERSON_KEYS
from office.audit_text.links import has_page, openable, related_of


class Objects:
    """The targets and the objects `data` points at, loaded in one query per model."""

    def __init__(self, events: list[Any], reader: Any) -> None:
        self.reader = reader
        self.targets: dict[tuple[int, str], models.Model] = {}
        self.openable: set[tuple[str, str]] = set()
        self.extra: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
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
            for obj in qs:
                self.targets[(type_id, str(obj.pk))] = obj
            self._check_open(model, keys)
        self._load_data_objects(events)

    def _check_open(self, model: type[models.Model], keys: list[Any]) -> None:
        label = model._meta.label_lower
        if model is get_user_model():
            self._check_people(label, keys)
            return
        if not has_page(model):
            return
        try:
            self.openable |= {(label, pk) for pk in openable(model, self.reader, keys)}
        except Exception:  # a scope that cannot be computed for this reader: no links
            return

    def _check_people(self, label: str, keys: list[Any]) -> None:
        from office.access import staff_profile
        from office.models import StaffProfile
        from office.permissions import can_manage_org

        profile = staff_profile(self.reader)
        if profile is None or not can_manage_org(self.reader):  # the guard of the person page
            return
        ids = StaffProfile.objects.filter(user_id__in=keys, organization_id=profile.organization_id)
        self.openable |= {(label, str(pk)) for pk in ids.values_list("user_id", flat=True)}

    def _load_data_objects(self, events: list[Any]) -> None:
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
            self.extra[(app, name)] = {str(o.pk): o for o in qs}
            if (app, name) in LINKED_KEYS.values():
                self._check_open(model, list(ids))

    def target(self, event: Any) -> models.Model | None:
        return self.targets.get((event.target_type_id, event.target_id))

    def may_open(self, model: type[models.Model], pk: Any) -> bool:
        return (model._meta.label_lower, str(pk)) in self.openable
