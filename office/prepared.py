"""Querysets compiled once per process (issue 18): every signed-in request reads its user with
the profile, office, unit, position, client account and unit functions, and Django compiles
that six-join queryset anew each time (about as long as the database takes to answer it). A
`Prepared` read builds the queryset once with stand-in parameter values, keeps the compiled
SQL and the compiler, and on each call runs the SQL with the real values and builds the rows
through the same compiler (Django's converters and row builders, as `office.dashboard.batch`
does), so it returns what the queryset would.

    user_by_pk = Prepared(lambda pk: User.objects.filter(pk=pk).select_related("staff_profile"), 0)
    rows = user_by_pk(42)      # [User] or []

Only for querysets whose SQL does not depend on anything but the parameters: no dates taken
from "now", no language, no settings read while building. The stand-in values must each
appear exactly once among the compiled parameters (checked when compiling).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from office.dashboard.batch import model_instances


class Prepared:
    def __init__(self, build: Callable[..., QuerySet], *stand_ins: Any, using: str = "default") -> None:
        self.build = build
        self.stand_ins = stand_ins
        self.using = using
        self._compiled: dict[str, tuple[Any, str, list[Any], list[int]]] = {}

    def _compile(self) -> tuple[Any, str, list[Any], list[int]]:
        vendor = connections[self.using].vendor
        compiled = self._compiled.get(vendor)
        if compiled is None:
            compiler = self.build(*self.stand_ins).query.get_compiler(self.using)
            sql, params = compiler.as_sql()
            params = list(params)
            positions = []
            for stand_in in self.stand_ins:
                found = [index for index, value in enumerate(params) if value == stand_in]
                if len(found) != 1:
                    raise ValueError(f"stand-in {stand_in!r} appears {len(found)} times among {params!r}")
                positions.append(found[0])
            compiled = self._compiled[vendor] = (compiler, sql, params, positions)
        return compiled

    def __call__(self, *values: Any) -> list[Any]:
        compiler, sql, template, positions = self._compile()
        params = list(template)
        for position, value in zip(positions, values, strict=True):
            params[position] = value
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converted = [list(row) for row in compiler.results_iter(results=[rows])]
        return model_instances(compiler, converted, self.using)
