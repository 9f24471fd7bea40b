-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 5: the rowid range of each archive's events and transactions. Documented in docs/schema.md
-- and docs/search.md; keep all in step.
--
-- One writer inserts an archive's rows in one transaction with INTEGER PRIMARY KEY ids = max + 1, so
-- an archive's rows are exactly the ids first..last (last < first: none). Search counts hits per
-- institution as full-text counts over these ranges (no row lookups). The importer writes them
-- (models/importer.cpp); NULL means unknown, and search then counts the slow way.
ALTER TABLE archives ADD COLUMN events_first_id INTEGER;
ALTER TABLE archives ADD COLUMN events_last_id INTEGER;
ALTER TABLE archives ADD COLUMN transactions_first_id INTEGER;
ALTER TABLE archives ADD COLUMN transactions_last_id INTEGER;

-- Backfill from the rows (one pass over each table). An archive without rows of a kind gets the
-- empty range 1..0. Search checks that the ranges of different archives do not overlap before it
-- uses them.
CREATE TEMP TABLE archive_rowids_e AS SELECT archive_id, min(id) AS first_id, max(id) AS last_id FROM events GROUP BY archive_id;
CREATE TEMP TABLE archive_rowids_t AS SELECT archive_id, min(id) AS first_id, max(id) AS last_id FROM transactions GROUP BY archive_id;
UPDATE archives SET
    events_first_id = coalesce((SELECT first_id FROM temp.archive_rowids_e r WHERE r.archive_id = archives.id), 1),
    events_last_id = coalesce((SELECT last_id FROM temp.archive_rowids_e r WHERE r.archive_id = archives.id), 0),
    transactions_first_id = coalesce((SELECT first_id FROM temp.archive_rowids_t r WHERE r.archive_id = archives.id), 1),
    transactions_last_id = coalesce((SELECT last_id FROM temp.archive_rowids_t r WHERE r.archive_id = archives.id), 0);
DROP TABLE temp.archive_rowids_e;
DROP TABLE temp.archive_rowids_t;
