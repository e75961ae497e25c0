"""Every tile's reads in one SQL statement (issue 18): the dashboard asks each provider what
it reads, runs it all as one `SELECT (…), (…), …` on PostgreSQL, and hands each provider
its rows. The query count of the page does not depend on how many tiles there are.

Each read is compiled by Django as it would run alone; on PostgreSQL it becomes a scalar
subquery that returns its rows as a JSON array of arrays (`json_agg` over the read, in the
read's own order: the outer level scans the sorted subquery alone, without a join). The
JSON values are turned back into what the database driver returns (datetimes, dates,
decimals) and then through Django's own converters and row builders, so a read gives the
same dicts, aggregates and model instances as evaluating its queryset. Other databases,
and a read Django can tell is empty without asking, are evaluated one by one.

    reads = {"rows": batch.rows(qs.values(...)), "totals": batch.aggregate(qs, n=Count("pk"))}
    data = batch.fetch(reads)   # {"rows": [{...}, ...], "totals": {"n": 3}}
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, Value
from django.db.models.query import ValuesIterable, get_related_populators
from django.utils.dateparse import parse_duration

ROWS, AGGREGATE, INSTANCES = "rows", "aggregate", "instances"


@dataclass(frozen=True)
class Read:
    kind: str
    queryset: QuerySet
    aggregates: dict[str, Any] = field(default_factory=dict)

    def evaluate(self) -> Any:
        """The read on its own, as Django runs it (the fallback, and the tests' reference)."""
        if self.kind == AGGREGATE:
            return self.queryset.aggregate(**self.aggregates)
        return list(self.queryset)


def rows(queryset: QuerySet) -> Read:
    """A `.values(...)` queryset's dicts."""
    if queryset._iterable_class is not ValuesIterable:
        raise TypeError("batch.rows takes a .values() queryset")
    return Read(ROWS, queryset)


def aggregate(queryset: QuerySet, **aggregates: Any) -> Read:
    """`queryset.aggregate(**aggregates)`: one dict, whatever the number of rows."""
    return Read(AGGREGATE, queryset, aggregates)


def instances(queryset: QuerySet) -> Read:
    """A model queryset's instances (select_related and annotations included)."""
    if queryset._iterable_class is ValuesIterable or queryset._prefetch_related_lookups:
        raise TypeError("batch.instances takes a model queryset without prefetch_related")
    return Read(INSTANCES, queryset)


def _query_of(read: Read) -> QuerySet:
    if read.kind == AGGREGATE:
        # No GROUP BY (a constant groups nothing): exactly one row, as aggregate() returns.
        grouped = read.queryset.order_by().values(_batch_all=Value(1)).annotate(**read.aggregates)
        return grouped.values(*read.aggregates)
    return read.queryset


def fetch(reads: Mapping[Hashable, Any], using: str = "default") -> dict[Hashable, Any]:
    """Each read's result, in one query on PostgreSQL."""
    results: dict[Hashable, Any] = {}
    compiled: list[tuple[Hashable, Read, Any, str, list]] = []
    postgres = connections[using].vendor == "postgresql"
    for key, read in reads.items():
        if not isinstance(read, Read):  # a value the provider hands itself (the time it read at)
            results[key] = read
            continue
        compiler = _query_of(read).query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            sql = ""
        if not postgres or not sql:
            results[key] = read.evaluate()
            continue
        compiled.append((key, read, compiler, sql, list(params)))
    if not compiled:
        return results
    parts, params = [], []
    for _key, _read, compiler, sql, read_params in compiled:
        names = ", ".join(f"c{index}" for index in range(compiler.col_count))
        # row_to_json, not json_build_array: a function takes at most 100 arguments, and a model
        # read with its select_related relations has more columns than that.
        parts.append(f"(SELECT json_agg(row_to_json(t))::text FROM ({sql}) AS t({names}))")  # noqa: S608 - compiled by Django, parameters bound
        params += read_params
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    for (key, read, compiler, _sql, _params), text in zip(compiled, row, strict=True):
        columns = [f"c{index}" for index in range(compiler.col_count)]
        raw = [[row[name] for name in columns] for row in json.loads(text or "[]", parse_float=Decimal)]
        results[key] = _build(read, compiler, raw, using)
    return results


def _build(read: Read, compiler: Any, raw: list[list[Any]], using: str) -> Any:
    fields = [select[0] for select in compiler.select[: compiler.col_count]]
    typed = [[_typed(value, expression) for value, expression in zip(values, fields, strict=True)] for values in raw]
    converted = [list(values) for values in compiler.results_iter(results=[typed])]
    if read.kind == INSTANCES:
        return model_instances(compiler, converted, using)
    query = compiler.query
    if query.selected:
        names = list(query.selected)
    else:
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
    dicts = [dict(zip(names, values, strict=True)) for values in converted]
    if read.kind == AGGREGATE:
        return dicts[0]
    return dicts


def model_instances(compiler: Any, converted: list[list[Any]], using: str) -> list[Any]:
    """Model instances from the rows, as Django's ModelIterable builds them."""
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)
    objects = []
    for values in converted:
        obj = klass_info["model"].from_db(using, init_list, values[start:end])
        for populator in populators:
            populator.populate(values, obj)
        for name, position in compiler.annotation_col_map.items():
            setattr(obj, name, values[position])
        objects.append(obj)
    return objects


def _typed(value: Any, expression: Any) -> Any:
    """A JSON value as the PostgreSQL driver gives the column's type."""
    if value is None:
        return None
    kind = expression.output_field.get_internal_type()
    if kind == "DateTimeField":
        return dt.datetime.fromisoformat(value)
    if kind == "DateField":
        return dt.date.fromisoformat(value)
    if kind == "TimeField":
        return dt.time.fromisoformat(value)
    if kind == "DurationField":
        return parse_duration(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    if kind == "FloatField":
        return float(value)
    if kind == "DecimalField":
        return Decimal(str(value))
    if kind == "JSONField":  # the driver hands Django the text; numbers as Django would load them
        return json.dumps(value, default=float)
    return value
