"""One date format for Chinese pages (issue 20): "2026年12月3日", "2026年12月3日 14:19", "2026-12-03"."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
