"""Logging filters named by settings.LOGGING."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """Drop the traceback Django attaches to "Forbidden (Permission denied)" (django.request
    logs every PermissionDenied with exc_info): a refusal is expected traffic, one line each
    (issue 17 item 8: every 403 wrote a full traceback at WARNING). Nothing is filtered out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
