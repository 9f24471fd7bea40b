-- SPDX-License-Identifier: GPL-3.0-or-later
-- Cross-tenant search (schema 3). Documented in docs/schema.md and docs/search.md; keep all in step.
-- Needs the casebook_cjk tokenizer and casebook_name_key() function, which Casebook registers on
-- every connection before it migrates.

-- Full-text indexes with the CJK bigram tokenizer: unicode61 behaviour for everything else, and
-- every run of Han/Kana/Hangul characters indexed as overlapping bigrams, so any CJK substring of
-- two or more characters is found (unicode61 alone keeps "王芳" as one token and never finds "王芳"
-- inside "张王芳明").
DROP TABLE events_fts;
DROP TABLE transactions_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(
    actor, actor_name, action, resource, source_ip, details,
    content = 'events', content_rowid = 'id', tokenize = 'casebook_cjk remove_diacritics 2');
CREATE VIRTUAL TABLE transactions_fts USING fts5(
    debtor_account, debtor_name, creditor_account, creditor_name, reference, memo,
    content = 'transactions', content_rowid = 'id', tokenize = 'casebook_cjk remove_diacritics 2');
INSERT INTO events_fts(events_fts) VALUES ('rebuild');
INSERT INTO transactions_fts(transactions_fts) VALUES ('rebuild');

-- Entities (accounts, IP addresses, actors, names) per institution and currency, kept current at
-- import, so that "seen at two or more institutions" is a scan of this small table. Events count with
-- currency '' and amount 0. An account's amount is its turnover: the sum of the transactions in which
-- it is debtor or creditor.
CREATE TABLE entity_stats (
    kind          TEXT NOT NULL CHECK (kind IN ('account', 'ip', 'actor', 'name')),
    key           TEXT NOT NULL,             -- accounts, IPs, actors as stored; names: casebook_name_key()
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    currency      TEXT NOT NULL,             -- '' for events
    display       TEXT NOT NULL,             -- one spelling as found in the data
    count         INTEGER NOT NULL,          -- rows (events or transactions) in which it appears
    amount_e4     INTEGER NOT NULL CHECK (typeof(amount_e4) = 'integer'), -- exact; overflow fails the import
    first_utc_ms  INTEGER NOT NULL,
    last_utc_ms   INTEGER NOT NULL,
    PRIMARY KEY (kind, key, tenant_id, currency)
) WITHOUT ROWID;

INSERT INTO entity_stats(kind, key, tenant_id, currency, display, count, amount_e4, first_utc_ms, last_utc_ms)
SELECT kind, key, tenant_id, currency, min(display), count(*), sum(amount_e4), min(ts), max(ts) FROM (
    SELECT 'account' AS kind, debtor_account AS key, tenant_id, currency, debtor_account AS display, amount_e4, ts_utc_ms AS ts
        FROM transactions WHERE debtor_account IS NOT NULL
    UNION ALL SELECT 'account', creditor_account, tenant_id, currency, creditor_account, amount_e4, ts_utc_ms
        FROM transactions WHERE creditor_account IS NOT NULL
    UNION ALL SELECT 'name', casebook_name_key(debtor_name), tenant_id, currency, debtor_name, amount_e4, ts_utc_ms
        FROM transactions WHERE debtor_name IS NOT NULL
    UNION ALL SELECT 'name', casebook_name_key(creditor_name), tenant_id, currency, creditor_name, amount_e4, ts_utc_ms
        FROM transactions WHERE creditor_name IS NOT NULL
    UNION ALL SELECT 'ip', source_ip, tenant_id, '', source_ip, 0, ts_utc_ms FROM events WHERE source_ip IS NOT NULL
    UNION ALL SELECT 'actor', actor, tenant_id, '', actor, 0, ts_utc_ms FROM events
    UNION ALL SELECT 'name', casebook_name_key(actor_name), tenant_id, '', actor_name, 0, ts_utc_ms
        FROM events WHERE actor_name IS NOT NULL
) WHERE key IS NOT NULL GROUP BY kind, key, tenant_id, currency;

-- Named searches and the search history (newest last).
CREATE TABLE saved_searches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    query       TEXT NOT NULL,
    created_at  TEXT NOT NULL                -- UTC, ISO 8601
);
CREATE TABLE search_history (
    id          INTEGER PRIMARY KEY,
    query       TEXT NOT NULL,
    run_at      TEXT NOT NULL,               -- UTC, ISO 8601
    hits        INTEGER                      -- total hits when known
);
