"""MARC 21 without the database (pymarc 5.4): reading files, extracting the search fields,
the editable text form, field-level diffs and the automatic review checks.

Storage form: every version is ISO 2709 with UTF-8 (leader/09 = "a"). A UTF-8 ISO 2709
record is stored byte for byte as it came; a MARC-8 record is converted to Unicode once on
the way in (its leader/09 becomes "a"), and a MARCXML record is serialised to ISO 2709, so
every field, indicator and subfield survives, but not MARC-8 bytes or XML formatting.

    reading      files: ISO 2709 and MARCXML, record by record (MarcFileError, ParsedRecord)
    storage      the storage form, record_from_storage, the export streams
    extraction   search columns, identifiers, match key; ISBN and ISSN
    cjk          Chinese bigrams for full-text search
    text         the editable text form
    diff         field-level diffs
    checks       the automatic review checks, encoding problems
    display      the readable MARC view, electronic links

Callers use this package (`from cataloging import marc; marc.extract(...)`); the modules
import each other directly, never this package.
"""

from cataloging.marc.checks import Check, encoding_problems, record_checks
from cataloging.marc.cjk import _CJK, cjk_bigrams  # noqa: F401  (_CJK: cataloging.search imports it from here)
from cataloging.marc.diff import DiffRow, field_diff, fields_equal
from cataloging.marc.display import electronic_links, readable_fields, safe_link
from cataloging.marc.extraction import (
    FORMATS,
    control_number,
    extract,
    isbn_problem,
    match_key,
    normalize_isbn,
    normalize_issn,
    record_format,
)
from cataloging.marc.reading import (
    FIELD_TERMINATOR,
    RECORD_TERMINATOR,
    MarcFileError,
    ParsedRecord,
    check_file,
    detect_syntax,
    parse_iso2709_record,
    parse_marcxml_record,
    read_marc_file,
    split_iso2709,
)
from cataloging.marc.storage import (
    MARCXML_NS,
    MAX_RECORD_BYTES,
    marcxml_bytes,
    record_from_storage,
    records_to_iso2709,
    records_to_marcxml,
    to_storage,
)
from cataloging.marc.text import record_from_text, record_to_text

__all__ = [
    "FIELD_TERMINATOR",
    "FORMATS",
    "MARCXML_NS",
    "MAX_RECORD_BYTES",
    "RECORD_TERMINATOR",
    "Check",
    "DiffRow",
    "MarcFileError",
    "ParsedRecord",
    "check_file",
    "cjk_bigrams",
    "control_number",
    "detect_syntax",
    "electronic_links",
    "encoding_problems",
    "extract",
    "field_diff",
    "fields_equal",
    "isbn_problem",
    "match_key",
    "marcxml_bytes",
    "normalize_isbn",
    "normalize_issn",
    "parse_iso2709_record",
    "parse_marcxml_record",
    "read_marc_file",
    "readable_fields",
    "record_checks",
    "record_format",
    "record_from_storage",
    "record_from_text",
    "record_to_text",
    "records_to_iso2709",
    "records_to_marcxml",
    "safe_link",
    "split_iso2709",
    "to_storage",
]
