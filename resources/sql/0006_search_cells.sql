-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 6: search count cells. Documented in docs/schema.md and docs/search.md; keep all in step.
--
-- Rows per institution, UTC day and combination of the low-cardinality columns that search terms
-- compare exactly (role, action, outcome; currency, channel, status and an amount bucket). Search
-- counts queries made only of such terms, times and amount ranges from these cells and reads rows
-- only at the edges (docs/search.md). `day` is floor(ts_utc_ms / 86400000). `bucket` is 0 for
-- amount_e4 <= 0, otherwise 1 + 3 * (digits - 1) + (0 if the leading digit is 1, 1 if 2-4, 2 if 5-9):
-- buckets start at 1, 2 and 5 times a power of ten (in e4 units), so round amounts are bucket edges.
-- Each archive appends its own cells (no merge: a count sums all cells of a group), written by the
-- importer in the archive's transaction: it counts the rows it inserts (searchcells::Collector in
-- models/searchcells.cpp) to the same result as the statements below, which build the cells of an
-- older workspace.

CREATE TABLE search_cells_events (
    tenant_id  TEXT NOT NULL,
    day        INTEGER NOT NULL,
    actor_role TEXT,
    action     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    n          INTEGER NOT NULL
);

CREATE TABLE search_cells_transactions (
    tenant_id  TEXT NOT NULL,
    day        INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    channel    TEXT,
    status     TEXT,
    bucket     INTEGER NOT NULL,
    n          INTEGER NOT NULL
);

INSERT INTO search_cells_events(tenant_id, day, actor_role, action, outcome, n)
SELECT tenant_id, (ts_utc_ms - ((ts_utc_ms % 86400000) + 86400000) % 86400000) / 86400000, actor_role, action, outcome, count(*)
FROM events GROUP BY 1, 2, 3, 4, 5;

INSERT INTO search_cells_transactions(tenant_id, day, currency, channel, status, bucket, n)
SELECT tenant_id, (ts_utc_ms - ((ts_utc_ms % 86400000) + 86400000) % 86400000) / 86400000, currency, channel, status,
       CASE WHEN amount_e4 <= 0 THEN 0
            ELSE 1 + 3 * (length(amount_e4) - 1)
                 + CASE WHEN substr(amount_e4, 1, 1) >= '5' THEN 2 WHEN substr(amount_e4, 1, 1) >= '2' THEN 1 ELSE 0 END
       END,
       count(*)
FROM transactions GROUP BY 1, 2, 3, 4, 5, 6;

-- Time order of each archive's rows. Exports are mostly written in time order, so within an archive
-- rowid order is nearly time order. A row is an exception when an earlier row of the same archive
-- (smaller id) has a later time: ts_utc_ms < max(ts_utc_ms of the archive's rows with smaller ids).
-- Every row before a row that is not an exception is at or before its time, which lets a first page
-- newest-first walk each archive's full-text hits by descending rowid and stop early
-- (docs/search.md). `*_time_exceptions` counts the exceptions (NULL: unknown); their ids are listed in
-- time_order_exceptions when there are at most 10000 (otherwise the archive is not walked).
-- `*_ts_max`: the latest ts_utc_ms of the archive's rows of that kind (NULL: none).
ALTER TABLE archives ADD COLUMN events_time_exceptions INTEGER;
ALTER TABLE archives ADD COLUMN transactions_time_exceptions INTEGER;
ALTER TABLE archives ADD COLUMN events_ts_max INTEGER;
ALTER TABLE archives ADD COLUMN transactions_ts_max INTEGER;

CREATE TABLE time_order_exceptions (
    kind    INTEGER NOT NULL CHECK (kind IN (0, 1)),  -- 0 events, 1 transactions
    row_id  INTEGER NOT NULL,
    PRIMARY KEY (kind, row_id)
) WITHOUT ROWID;

INSERT INTO time_order_exceptions(kind, row_id)
SELECT 0, id FROM (SELECT id, ts_utc_ms AS t, max(ts_utc_ms) OVER (PARTITION BY archive_id ORDER BY id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m FROM events) WHERE t < m;
INSERT INTO time_order_exceptions(kind, row_id)
SELECT 1, id FROM (SELECT id, ts_utc_ms AS t, max(ts_utc_ms) OVER (PARTITION BY archive_id ORDER BY id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m FROM transactions) WHERE t < m;
CREATE TEMP TABLE time_order_e AS SELECT x.archive_id, count(o.row_id) AS n, max(x.ts_utc_ms) AS ts_max
FROM events x LEFT JOIN time_order_exceptions o ON o.kind = 0 AND o.row_id = x.id GROUP BY x.archive_id;
CREATE TEMP TABLE time_order_t AS SELECT x.archive_id, count(o.row_id) AS n, max(x.ts_utc_ms) AS ts_max
FROM transactions x LEFT JOIN time_order_exceptions o ON o.kind = 1 AND o.row_id = x.id GROUP BY x.archive_id;
UPDATE archives SET
    events_time_exceptions = coalesce((SELECT n FROM temp.time_order_e r WHERE r.archive_id = archives.id), 0),
    events_ts_max = (SELECT ts_max FROM temp.time_order_e r WHERE r.archive_id = archives.id),
    transactions_time_exceptions = coalesce((SELECT n FROM temp.time_order_t r WHERE r.archive_id = archives.id), 0),
    transactions_ts_max = (SELECT ts_max FROM temp.time_order_t r WHERE r.archive_id = archives.id);
DELETE FROM time_order_exceptions WHERE kind = 0 AND row_id IN (
    SELECT x.id FROM events x JOIN archives a ON a.id = x.archive_id WHERE a.events_time_exceptions > 10000);
DELETE FROM time_order_exceptions WHERE kind = 1 AND row_id IN (
    SELECT x.id FROM transactions x JOIN archives a ON a.id = x.archive_id WHERE a.transactions_time_exceptions > 10000);
DROP TABLE temp.time_order_e;
DROP TABLE temp.time_order_t;
