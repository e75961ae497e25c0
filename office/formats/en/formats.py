"""One date format for English pages (issue 20): "3 Dec 2026", "3 Dec 2026 14:19", "2026-12-03"."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
