"""Every write of the union catalog, one module per topic.

Contribution workflow (DESIGN.md §4, `BibRecord.TRANSITIONS`):

    draft -> submitted -> in_review -> approved (shared) | rejected | returned
    returned -> submitted

Records are edited only while draft or returned; each change is a new immutable
`RecordVersion`. Approval shares the record with every office and credits the contributing
office; copying a shared record adds a holding (馆藏) and charges a fee; a monthly
statement nets fees and credits and is paid online through the payments app
(`statement_pay`; purpose `cataloging.statement`: issued -> paid). MARC import
(`marc_import`) matches before it creates.

    records     record_create, record_update (versions)
    review      record_submit, record_review_start, record_approve | reject | return
    holdings    record_copy (copy cataloging), holding_update
    statements  fee_schedule_current, statement_close, statement_pay, statement_paid
    imports     marc_import, import_job_create, import_job_run
    chores      statements_close_month (beat, the 1st), import_files_remove (beat, daily)

Callers import from here (`from cataloging import actions`); the modules import each other
directly, never this package.
"""

from cataloging.actions.chores import import_files_remove, statements_close_month
from cataloging.actions.holdings import holding_update, record_copy
from cataloging.actions.imports import import_job_create, import_job_run, marc_import
from cataloging.actions.records import record_create, record_update
from cataloging.actions.review import (
    record_approve,
    record_decision_notify,
    record_reject,
    record_return,
    record_review_start,
    record_submit,
)
from cataloging.actions.statements import (
    STATEMENT_PURPOSE,
    fee_schedule_current,
    month_bounds,
    statement_close,
    statement_close_for,
    statement_paid,
    statement_pay,
)
from cataloging.importer.rows import ImportResult, ImportRow

__all__ = [
    "STATEMENT_PURPOSE",
    "ImportResult",
    "ImportRow",
    "fee_schedule_current",
    "holding_update",
    "import_files_remove",
    "import_job_create",
    "import_job_run",
    "marc_import",
    "month_bounds",
    "record_approve",
    "record_copy",
    "record_create",
    "record_decision_notify",
    "record_reject",
    "record_return",
    "record_review_start",
    "record_submit",
    "record_update",
    "statement_close",
    "statement_close_for",
    "statement_paid",
    "statement_pay",
    "statements_close_month",
]
