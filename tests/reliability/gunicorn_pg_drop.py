"""gunicorn settings for test_database_drop_gunicorn.py only (`-c python:tests.reliability.gunicorn_pg_drop`).

Once the worker has loaded the application, `office.audit.record` is wrapped: when the file
named by PG_DROP_ARM exists and the verb is PG_DROP_VERB, the file is removed, the worker's
own database session is ended from a second connection (`pg_terminate_backend`), its pid is
written to PG_DROP_ARM + ".pid", and the audit event is then written, on a dead connection.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _terminate_own_session() -> int:
    import psycopg2
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    params = connection.settings_dict
    killer = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
    )
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        killer.close()
    return pid


def post_worker_init(worker: Any) -> None:
    from office import audit

    original = audit.record
    arm = Path(os.environ["PG_DROP_ARM"])
    verb = os.environ["PG_DROP_VERB"]

    def record(**kwargs: Any) -> Any:
        if kwargs.get("verb") == verb and arm.exists():
            arm.unlink()
            Path(f"{arm}.pid").write_text(str(_terminate_own_session()))
        return original(**kwargs)

    audit.record = record
