"""Words for "did you mean", and an index for the newest-first sort (PostgreSQL only).

`cataloging_searchterm` holds the distinct words of the shared records' titles (words
without Chinese characters: a Chinese title has no word boundaries, and its runs would make
a row per title) and subject headings (Chinese ones included, split at punctuation), each
2 to 40 characters: some thousands to tens of thousands of rows, not one per record,
with a pg_trgm GIN index, so the closest words to a misspelt one are found by similarity
(`term % word`) in milliseconds (cataloging.search.suggestion). A statement-level trigger
adds the words of every record inserted or updated as approved (the bulk import's one
INSERT of a thousand records, a save, an approval) in sorted order, so concurrent writers
queue on the same words instead of deadlocking; existing records are collected once here.
Words are never removed: a suggestion is offered only if it finds records.

`cataloging_bibrecord_year_desc` serves ORDER BY year DESC NULLS LAST, id DESC (newest
first, undated records last) without sorting every match; oldest first reads the plain
year index forwards.
"""

from django.db import migrations

WORDS = r"""
    SELECT w FROM (
        SELECT w FROM {rows} r, regexp_split_to_table(lower(r.title), '[^[:alnum:]]+') AS w
        WHERE r.status = 'approved' AND w !~ '[一-鿿]'
        UNION
        SELECT regexp_split_to_table(lower(r.subjects), '[^[:alnum:]]+') AS w FROM {rows} r
        WHERE r.status = 'approved'
    ) words
    WHERE length(w) BETWEEN 2 AND 40 AND w !~ '^[0-9]+$'
"""

FORWARD = f"""
CREATE TABLE IF NOT EXISTS cataloging_searchterm (term varchar(40) PRIMARY KEY);
CREATE INDEX IF NOT EXISTS cataloging_searchterm_trgm ON cataloging_searchterm USING gin (term gin_trgm_ops);
CREATE OR REPLACE FUNCTION cataloging_searchterm_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cataloging_searchterm (term)
    SELECT w FROM ({WORDS.format(rows="new_rows")}) collected ORDER BY w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS cataloging_searchterm_insert ON cataloging_bibrecord;
DROP TRIGGER IF EXISTS cataloging_searchterm_update ON cataloging_bibrecord;
CREATE TRIGGER cataloging_searchterm_insert AFTER INSERT ON cataloging_bibrecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cataloging_searchterm_collect();
CREATE TRIGGER cataloging_searchterm_update AFTER UPDATE ON cataloging_bibrecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cataloging_searchterm_collect();
INSERT INTO cataloging_searchterm (term)
SELECT w FROM ({WORDS.format(rows="cataloging_bibrecord")}) collected ORDER BY w
ON CONFLICT DO NOTHING;
CREATE INDEX IF NOT EXISTS cataloging_bibrecord_year_desc ON cataloging_bibrecord (year DESC NULLS LAST, id DESC);
"""

BACKWARD = """
DROP INDEX IF EXISTS cataloging_bibrecord_year_desc;
DROP TRIGGER IF EXISTS cataloging_searchterm_insert ON cataloging_bibrecord;
DROP TRIGGER IF EXISTS cataloging_searchterm_update ON cataloging_bibrecord;
DROP FUNCTION IF EXISTS cataloging_searchterm_collect();
DROP TABLE IF EXISTS cataloging_searchterm;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0008_rum_ranked_search")]

    operations = [migrations.RunPython(forward, backward)]
