-- SPDX-License-Identifier: GPL-3.0-or-later
-- Casebook workspace schema, version 2: timeline rollups. Documented in docs/schema.md and
-- docs/timeline.md; keep all three in step.
--
-- Per institution, counts (and exact money sums) of the rows whose ts_utc_ms falls in a UTC cell of
-- `level` seconds: 60 (minute), 900 (quarter hour), 1800 (half hour), 3600 (hour) and 86400 (UTC day). Cell `cell`
-- covers [cell * level * 1000, (cell + 1) * level * 1000) in UTC milliseconds (floor division, so
-- instants before 1970 land in negative cells). Every real-world UTC offset since 1970 is a multiple of
-- 15 minutes, so a local calendar bucket (minute .. month, in any zone) is an exact union of cells
-- and re-bucketing never needs the raw rows. Maintained at import in the archive's transaction
-- (models/importer.cpp); the rows of each level always equal a GROUP BY over events/transactions.

CREATE TABLE timeline_events (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    level      INTEGER NOT NULL CHECK (level IN (60, 900, 1800, 3600, 86400)),
    cell       INTEGER NOT NULL,
    events     INTEGER NOT NULL,             -- all events
    failures   INTEGER NOT NULL,             -- outcome = 'failure'
    denied     INTEGER NOT NULL,             -- outcome = 'denied'
    PRIMARY KEY (tenant_id, level, cell)
) WITHOUT ROWID;

CREATE TABLE timeline_transactions (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    level      INTEGER NOT NULL CHECK (level IN (60, 900, 1800, 3600, 86400)),
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

-- Backfill the rows already in the workspace (the importer runs the same statements over the rows
-- of each new archive; see models/importer.cpp, updateTimelineRollups).
CREATE TEMP TABLE timeline_new_events (tenant_id TEXT, cell INTEGER, events INTEGER, failures INTEGER, denied INTEGER);
CREATE TEMP TABLE timeline_new_transactions (tenant_id TEXT, cell INTEGER, currency TEXT, count INTEGER, amount_e4 INTEGER);

INSERT INTO timeline_new_events
SELECT tenant_id, (ts_utc_ms - ((ts_utc_ms % 60000) + 60000) % 60000) / 60000 AS c,
       count(*), sum(outcome = 'failure'), sum(outcome = 'denied')
FROM events GROUP BY tenant_id, c;
INSERT INTO timeline_new_transactions
SELECT tenant_id, (ts_utc_ms - ((ts_utc_ms % 60000) + 60000) % 60000) / 60000 AS c, currency, count(*), sum(amount_e4)
FROM transactions GROUP BY tenant_id, c, currency;

INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 60, cell, events, failures, denied FROM timeline_new_events;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 900, (cell - ((cell % 15) + 15) % 15) / 15 AS c, sum(events), sum(failures), sum(denied)
FROM timeline_new_events GROUP BY tenant_id, c;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 1800, (cell - ((cell % 30) + 30) % 30) / 30 AS c, sum(events), sum(failures), sum(denied)
FROM timeline_new_events GROUP BY tenant_id, c;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 3600, (cell - ((cell % 60) + 60) % 60) / 60 AS c, sum(events), sum(failures), sum(denied)
FROM timeline_new_events GROUP BY tenant_id, c;
INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied)
SELECT tenant_id, 86400, (cell - ((cell % 1440) + 1440) % 1440) / 1440 AS c, sum(events), sum(failures), sum(denied)
FROM timeline_new_events GROUP BY tenant_id, c;

INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 60, cell, currency, count, amount_e4 FROM timeline_new_transactions;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 900, (cell - ((cell % 15) + 15) % 15) / 15 AS c, currency, sum(count), sum(amount_e4)
FROM timeline_new_transactions GROUP BY tenant_id, c, currency;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 1800, (cell - ((cell % 30) + 30) % 30) / 30 AS c, currency, sum(count), sum(amount_e4)
FROM timeline_new_transactions GROUP BY tenant_id, c, currency;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 3600, (cell - ((cell % 60) + 60) % 60) / 60 AS c, currency, sum(count), sum(amount_e4)
FROM timeline_new_transactions GROUP BY tenant_id, c, currency;
INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4)
SELECT tenant_id, 86400, (cell - ((cell % 1440) + 1440) % 1440) / 1440 AS c, currency, sum(count), sum(amount_e4)
FROM timeline_new_transactions GROUP BY tenant_id, c, currency;

DROP TABLE temp.timeline_new_events;
DROP TABLE temp.timeline_new_transactions;
