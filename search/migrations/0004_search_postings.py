"""Postings: one row per word of each search index entry, holding the rank that entry earns for it.

To rank a common word, PostgreSQL otherwise scores every entry that has it, reading each
entry's out-of-line body vector: with 5,000 pages 'fever' cost 15 ms and 'side effects' 50 ms,
three times what they cost with 25 pages. With the rank stored per word, one word's best pages
are the first rows of an index, and several words' ranks are sums of numbers already worked
out (search/postings.py says why the sum gives the same order).

Triggers on Wagtail's index table keep the postings in step with every change to it, however
it is made (a publish, `update_index`, a bulk load). The weights are those modelsearch derives
from the search fields' boosts; `portal_search_weights()` records the ones the ranks were built
with, so that search/postings.py can tell when they no longer match. PostgreSQL only: other
databases search differently and get nothing here.
"""

from django.db import migrations

from modelsearch.backends.database.postgres.weights import get_sql_weights

CREATE = """
CREATE TABLE portal_search_posting (
    entry_id integer NOT NULL,
    content_type_id integer NOT NULL,
    -- The indexed object's key as a number (every indexed model here has one), so that a search
    -- can join it to the object's table; NULL for a key that is not a number.
    object_pk bigint,
    word text NOT NULL,
    rank double precision NOT NULL
);
-- In the order a search reads them, so that one word's best postings are the index's first rows.
CREATE INDEX portal_search_posting_best ON portal_search_posting (word, rank DESC, object_pk DESC)
    INCLUDE (content_type_id);
CREATE INDEX portal_search_posting_entry ON portal_search_posting (entry_id);

CREATE FUNCTION portal_search_weights() RETURNS real[] IMMUTABLE LANGUAGE sql
    AS $$ SELECT %(weights)s::real[] $$;

-- The rank modelsearch gives `entry` for a query of this one word: the title's rank scaled by
-- title_norm, plus the body's. The word, a lexeme already, is quoted so it is taken as it is.
CREATE FUNCTION portal_search_postings_of(entry wagtailsearch_indexentry)
RETURNS TABLE (entry_id integer, content_type_id integer, object_pk bigint, word text, rank double precision)
STABLE LANGUAGE sql AS $$
    SELECT entry.id, entry.content_type_id,
           CASE WHEN entry.object_id ~ '^[0-9]{1,18}$' THEN entry.object_id::bigint END,
           lexeme,
           ts_rank(portal_search_weights(), entry.title, query) * entry.title_norm
               + ts_rank(portal_search_weights(), entry.body, query)
    FROM unnest(tsvector_to_array(entry.title || entry.body)) AS lexeme,
         LATERAL (
             SELECT ('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '\\''') || '''')::tsquery AS query
         ) AS quoted
$$;

CREATE FUNCTION portal_search_post_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM portal_search_posting WHERE entry_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO portal_search_posting SELECT * FROM portal_search_postings_of(NEW);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION portal_search_clear_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE portal_search_posting;
    RETURN NULL;
END $$;

CREATE TRIGGER portal_search_post_new_or_gone AFTER INSERT OR DELETE ON wagtailsearch_indexentry
    FOR EACH ROW EXECUTE FUNCTION portal_search_post_entry();
-- modelsearch sets title_norm twice per save; only a change to what the ranks depend on counts.
CREATE TRIGGER portal_search_post_changed AFTER UPDATE ON wagtailsearch_indexentry
    FOR EACH ROW WHEN (
        OLD.title IS DISTINCT FROM NEW.title
        OR OLD.body IS DISTINCT FROM NEW.body
        OR OLD.title_norm IS DISTINCT FROM NEW.title_norm
    ) EXECUTE FUNCTION portal_search_post_entry();
-- Django's test database flush truncates the index, which fires no row trigger.
CREATE TRIGGER portal_search_clear AFTER TRUNCATE ON wagtailsearch_indexentry
    FOR EACH STATEMENT EXECUTE FUNCTION portal_search_clear_postings();

INSERT INTO portal_search_posting
    SELECT postings.* FROM wagtailsearch_indexentry AS entry, portal_search_postings_of(entry) AS postings;
ANALYZE portal_search_posting;
"""

DROP = """
DROP TRIGGER IF EXISTS portal_search_clear ON wagtailsearch_indexentry;
DROP TRIGGER IF EXISTS portal_search_post_changed ON wagtailsearch_indexentry;
DROP TRIGGER IF EXISTS portal_search_post_new_or_gone ON wagtailsearch_indexentry;
DROP FUNCTION IF EXISTS portal_search_clear_postings();
DROP FUNCTION IF EXISTS portal_search_post_entry();
DROP FUNCTION IF EXISTS portal_search_postings_of(wagtailsearch_indexentry);
DROP FUNCTION IF EXISTS portal_search_weights();
DROP TABLE IF EXISTS portal_search_posting;
"""


def create_postings(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE % {"weights": f"'{get_sql_weights()}'"})


def drop_postings(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0003_index_title_and_body_together")]

    operations = [migrations.RunPython(create_postings, drop_postings)]
