"""Parsing and extraction ahead of the writing: in a thread, or for a large ISO 2709 file in
a forked process (a real second core)."""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from django.db import connections
from django.utils import translation

from cataloging import marc

logger = logging.getLogger(__name__)


Prepared = tuple[marc.ParsedRecord, dict[str, Any] | None]  # a record and its extracted fields


def _prepared(parsed: marc.ParsedRecord) -> Prepared:
    """The record's search and match fields (with the text its tsvector is made of), or None
    when it could not be parsed or extracted: `import_one` then reports why."""
    if parsed.error or parsed.record is None:
        return parsed, None
    try:
        extracted = marc.extract(parsed.record)
    except ValueError:
        return parsed, None
    extracted["tsvector_text"] = marc.cjk_bigrams(extracted["fields"]["search_text"].lower())
    return parsed, extracted


def _parsed_ahead(records: Iterator[marc.ParsedRecord], size: int) -> Iterator[list[Prepared]]:
    """`records` in lists of `size`, the next list parsed and extracted in a thread while the
    caller writes this one. Parsing and extraction are Python and hold the GIL; writing mostly
    waits for PostgreSQL, which releases it, so on two cores the two halves of an import
    overlap. The thread touches no database and runs in the caller's language (messages)."""
    language = translation.get_language()

    def take() -> list[Prepared]:
        with translation.override(language):
            return [_prepared(parsed) for parsed in islice(records, size)]

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="marc-parse") as pool:
        upcoming = pool.submit(take)
        while batch := upcoming.result():
            upcoming = pool.submit(take)
            yield batch


def _in_daemon_process() -> bool:
    """A Celery prefork worker's child is a daemon process, which may not start processes of
    its own: an upload imported there parses in a thread (`celery worker --pool=solo`, or the
    `import_marc` command, parse in a process)."""
    return bool(multiprocessing.current_process().daemon)


def _parsing_process_started() -> None:
    """In the forked parsing process, first: die with the process that forked it (Linux), and
    let go of its database sockets, never used here, so that a killed import leaves no open
    session behind. The sockets are closed, not the connections: closing a connection would
    end the parent's session too."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            try:
                os.close(conn.connection.fileno())
            except (OSError, AttributeError):
                pass


def _prepare_chunks(chunks: list[bytes], first: int, language: str) -> list[Prepared]:
    """In the parsing process: parse and extract ISO 2709 records numbered from `first`. A
    record that was extracted comes back without its pymarc object (cheaper to send than to
    rebuild); `_one` re-reads it from `raw` if it needs the one-by-one path."""
    with translation.override(language):
        prepared = [_prepared(marc.parse_iso2709_record(chunk, n)) for n, chunk in enumerate(chunks, start=first)]
    for parsed, extracted in prepared:
        if extracted is not None:
            parsed.record = None
    return prepared


def _prepared_in_process(chunks: list[bytes], size: int) -> Iterator[list[Prepared]]:
    """Like `_parsed_ahead`, with the parsing in a forked process: parsing and writing then
    use both cores instead of taking turns at the GIL. Two lists are kept in flight. If the
    process cannot be started or dies, the rest is parsed here, in a thread, as for small files."""
    language = translation.get_language()
    starts = iter(range(0, len(chunks), size))
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=_parsing_process_started
        ) as pool:
            in_flight: deque[Any] = deque()

            def submit() -> None:
                start = next(starts, None)
                if start is not None:
                    in_flight.append(pool.submit(_prepare_chunks, chunks[start : start + size], start + 1, language))

            submit()
            submit()
            while in_flight:
                batch = in_flight.popleft().result()
                submit()
                done += len(batch)
                yield batch
    except (BrokenProcessPool, OSError, AssertionError) as exc:  # AssertionError: a daemon may not fork
        logger.warning("MARC parsing process failed (%s); parsing in this process", exc)
        rest = (marc.parse_iso2709_record(chunk, n) for n, chunk in enumerate(chunks[done:], start=done + 1))
        yield from _parsed_ahead(rest, size)
