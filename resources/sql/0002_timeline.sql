-- SPDX-License-Identifier: GPL-3.0-or-later
-- Casebook workspace schema, version 2: timeline rollups. Documented in docs/schema.md and
-- docs/timeline.md; keep all three in step.
--
-- Per institution, counts (and exact money sums) of the rows whose ts_utc_ms falls in a UTC cell of
-- `level` seconds: 60 (minute), 900 (quarter hour), 1800 (half hour), 3600 (hour), 21600 (6 hours)
-- and 86400 (UTC day). Cell `cell`
-- covers [cell * level * 1000, (cell + 1) * level * 1000) in UTC milliseconds (floor division, so
-- instants before 1970 land in negative cells). Every real-world UTC offset since 1970 is a multiple of
-- 15 minutes, so a local calendar bucket (minute .. month, in any zone) is an exact union of cells
-- and re-bucketing never needs the raw rows. Maintained at import in the archive's transaction
-- (models/importer.cpp); the rows of each level always equal a GROUP BY over events/transactions.

CREATE TABLE timeline_events (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    level      INTEGER NOT NULL CHECK (level IN (60, 900, 1800, 3600, 21600, 86400)),
    cell       INTEGER NOT NULL,
    events     INTEGER NOT NULL,             -- all events
    failures   INTEGER NOT NULL,             -- outcome = 'failure'
    denied     INTEGER NOT NULL,             -- outcome = 'denied'
    PRIMARY KEY (tenant_id, level, cell)
) WITHOUT ROWID;

CREATE TABLE timeline_transactions (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    level      INTEGER NOT NULL CHECK (level IN (60, 900, 1800, 3600, 21600, 86400)),
    cell       INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    count      INTEGER NOT NULL,             -- all transactions (every status) in this currency
    amount_e4  INTEGER NOT NULL,             -- exact sum(amount_e4)
    PRIMARY KEY (tenant_id, level, cell, currency)
) WITHOUT ROWID;

-- The timeline's quick filters (action prefix, actor) count matching raw rows per bucket; these
-- covering indexes turn that into range reads per institution.
CREATE INDEX events_tenant_action_ts ON events(tenant_id, action, ts_utc_ms, outcome);
CREATE INDEX events_tenant_actor_ts ON events(tenant_id, actor, ts_utc_ms, outcome);

-- Backfill the rows already in the workspace with the statements the importer runs over each new
-- archive's rows (models/timelinerollups.cpp): one GROUP BY per table into per-minute TEMP tables,
-- each coarser level from the next finer one.
CREATE TEMP TABLE timeline_new_events_60 AS SELECT tenant_id, (ts_utc_ms - ((ts_utc_ms % 60000) + 60000) % 60000) / 60000 AS cell,
       count(*) AS events, sum(outcome = 'failure') AS failures, sum(outcome = 'denied') AS denied
FROM events GROUP BY tenant_id, 2;
CREATE TEMP TABLE timeline_new_transactions_60 AS SELECT tenant_id, (ts_utc_ms - ((ts_utc_ms % 60000) + 60000) % 60000) / 60000 AS cell,
       currency, count(*) AS count, sum(amount_e4) AS amount_e4
FROM transactions GROUP BY tenant_id, 2, currency;
CREATE TEMP TABLE timeline_new_events_900 AS SELECT tenant_id, (cell - ((cell % 15) + 15) % 15) / 15 AS cell,
       sum(events) AS events, sum(failures) AS failures, sum(denied) AS denied
FROM timeline_new_events_60 GROUP BY tenant_id, 2;
CREATE TEMP TABLE timeline_new_transactions_900 AS SELECT tenant_id, (cell - ((cell % 15) + 15) % 15) / 15 AS cell,
       currency, sum(count) AS count, sum(amount_e4) AS amount_e4
FROM timeline_new_transactions_60 GROUP BY tenant_id, 2, currency;
CREATE TEMP TABLE timeline_new_events_1800 AS SELECT tenant_id, (cell - ((cell % 2) + 2) % 2) / 2 AS cell,
       sum(events) AS events, sum(failures) AS failures, sum(denied) AS denied
FROM timeline_new_events_900 GROUP BY tenant_id, 2;
CREATE TEMP TABLE timeline_new_transactions_1800 AS SELECT tenant_id, (cell - ((cell % 2) + 2) % 2) / 2 AS cell,
       currency, sum(count) AS count, sum(amount_e4) AS amount_e4
FROM timeline_new_transactions_900 GROUP BY tenant_id, 2, currency;
CREATE TEMP TABLE timeline_new_events_3600 AS SELECT tenant_id, (cell - ((cell % 2) + 2) % 2) / 2 AS cell,
       sum(events) AS events, sum(failures) AS failures, sum(denied) AS denied
FROM timeline_new_events_1800 GROUP BY tenant_id, 2;
CREATE TEMP TABLE timeline_new_transactions_3600 AS SELECT tenant_id, (cell - ((cell % 2) + 2) % 2) / 2 AS cell,
       currency, sum(count) AS count, sum(amount_e4) AS amount_e4
FROM timeline_new_transactions_1800 GROUP BY tenant_id, 2, currency;
CREATE TEMP TABLE timeline_new_events_21600 AS SELECT tenant_id, (cell - ((cell % 6) + 6) % 6) / 6 AS cell,
       sum(events) AS events, sum(failures) AS failures, sum(denied) AS denied
FROM timeline_new_events_3600 GROUP BY tenant_id, 2;
CREATE TEMP TABLE timeline_new_transactions_21600 AS SELECT tenant_id, (cell - ((cell % 6) + 6) % 6) / 6 AS cell,
       currency, sum(count) AS count, sum(amount_e4) AS amount_e4
FROM timeline_new_transactions_3600 GROUP BY tenant_id, 2, currency;
CREATE TEMP TABLE timeline_new_events_86400 AS SELECT tenant_id, (cell - ((cell % 4) + 4) % 4) / 4 AS cell,
       sum(events) AS events, sum(failures) AS failures, sum(denied) AS denied
FROM timeline_new_events_21600 GROUP BY tenant_id, 2;
CREATE TEMP TABLE timeline_new_transactions_86400 AS SELECT tenant_id, (cell - ((cell % 4) + 4) % 4) / 4 AS cell,
       currency, sum(count) AS count, sum(amount_e4) AS amount_e4
FROM timeline_new_transactions_21600 GROUP BY tenant_id, 2, currency;

INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 60, cell, events, failures, denied FROM timeline_new_events_60;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 60, cell, currency, count, amount_e4 FROM timeline_new_transactions_60;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 900, cell, events, failures, denied FROM timeline_new_events_900;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 900, cell, currency, count, amount_e4 FROM timeline_new_transactions_900;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 1800, cell, events, failures, denied FROM timeline_new_events_1800;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 1800, cell, currency, count, amount_e4 FROM timeline_new_transactions_1800;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 3600, cell, events, failures, denied FROM timeline_new_events_3600;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 3600, cell, currency, count, amount_e4 FROM timeline_new_transactions_3600;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 21600, cell, events, failures, denied FROM timeline_new_events_21600;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 21600, cell, currency, count, amount_e4 FROM timeline_new_transactions_21600;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 86400, cell, events, failures, denied FROM timeline_new_events_86400;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 86400, cell, currency, count, amount_e4 FROM timeline_new_transactions_86400;

DROP TABLE temp.timeline_new_events_60;
DROP TABLE temp.timeline_new_transactions_60;
DROP TABLE temp.timeline_new_events_900;
DROP TABLE temp.timeline_new_transactions_900;
DROP TABLE temp.timeline_new_events_1800;
DROP TABLE temp.timeline_new_transactions_1800;
DROP TABLE temp.timeline_new_events_3600;
DROP TABLE temp.timeline_new_transactions_3600;
DROP TABLE temp.timeline_new_events_21600;
DROP TABLE temp.timeline_new_transactions_21600;
DROP TABLE temp.timeline_new_events_86400;
DROP TABLE temp.timeline_new_transactions_86400;
