"""MARC import at bulk speed, with the record-at-a-time semantics of the import action's
per-record step (`import_one`: `cataloging.actions.imports._import_one`).

`actions.marc_import` (the `import_marc` command and the upload job) runs here, handing in
that per-record step: this module imports nothing from the actions, so the two never import
each other. Records are
parsed lazily and taken in windows; for each window two queries find which records match
something already in the catalog (001 within the office, 035, ISBN, title/author/year key:
the keys of `selectors.record_match_for`). Records that match nothing, and nothing created earlier
in the same window, are new: they are written with one multi-row INSERT per table (record,
version, identifiers, audit event), the tsvector computed in the same INSERT. Everything
else (a match, a record that cannot be extracted) goes through `import_one`
unchanged, in its own transaction, after the new records before it have been written, so
the outcome of every record is what the one-by-one import would have given:

* a record that matches an existing or an earlier record of the file is compared and then
  updated, reported unchanged or skipped exactly as before;
* after a record is created or updated one by one, the matches of the records after it are
  looked up again (that write may have given them a match), in a small window that grows
  back while records keep being new;
* a bad record is reported and never stops the rest; if a bulk INSERT fails for any
  database reason, its window is rolled back and imported one record at a time, so the
  failure is attributed to its record as before.

A window of new records commits together (one transaction per window instead of per record);
a file-level problem (empty, not MARC, truncated, unsafe XML) still raises MarcFileError
before anything is written.

    bulk        marc_import: the windows, the one-by-one step for the rest (BATCH, MIN_WINDOW)
    rows        ImportRow, ImportResult, ImportOne (the per-record step's shape)
    parsing     parsing and extraction ahead, in a thread or a forked process
    matching    which records of a window match something already in the catalog
    inserts     the multi-row INSERTs of a window's new records
    analyze     renewing the planner statistics while a large import grows the tables

Callers import the modules (`from cataloging.importer import bulk; bulk.marc_import(...)`,
`from cataloging.importer.rows import ImportRow`).
"""
