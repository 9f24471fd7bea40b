-- SPDX-License-Identifier: GPL-3.0-or-later
-- Casebook workspace schema, version 1. Documented in docs/schema.md; keep both in step.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE tenants (
    id               TEXT PRIMARY KEY,       -- institution id from the manifest, e.g. T0042
    name             TEXT NOT NULL,
    lei              TEXT,
    kind             TEXT,                   -- bank, insurer, broker, ...
    default_timezone TEXT                    -- IANA zone from the first archive
) WITHOUT ROWID;

CREATE TABLE archives (
    id               INTEGER PRIMARY KEY,
    sha256           TEXT NOT NULL UNIQUE,   -- of the .sea.zip file; of manifest.json for a directory
    export_id        TEXT NOT NULL UNIQUE,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id),
    source_path      TEXT NOT NULL,          -- where it was imported from
    container        TEXT NOT NULL CHECK (container IN ('zip', 'directory', 'file')), -- 'file': a loose file imported as an unsigned source
    manifest         TEXT NOT NULL,          -- exact manifest.json bytes
    signature        TEXT,                   -- manifest.sig as found (base64), NULL when absent
    key_id           TEXT,
    state            TEXT NOT NULL CHECK (state IN ('verified', 'unsigned')),
    state_detail     TEXT NOT NULL,          -- why: "signed by casebook-demo", "no manifest.sig", ...
    period_from      TEXT,
    period_to        TEXT,
    created_at       TEXT,                   -- manifest created_at
    imported_at      TEXT NOT NULL,          -- UTC, ISO 8601
    imported_by      TEXT NOT NULL,
    bytes            INTEGER NOT NULL,       -- size of the archive file (sum of entries for a directory)
    events           INTEGER NOT NULL DEFAULT 0,
    transactions     INTEGER NOT NULL DEFAULT 0,
    accounts         INTEGER NOT NULL DEFAULT 0,
    quarantined      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX archives_tenant ON archives(tenant_id);

-- Exact per-currency sums of each archive's imported transactions, kept at import so that totals
-- never need a scan of the transactions table.
CREATE TABLE archive_totals (
    archive_id  INTEGER NOT NULL REFERENCES archives(id),
    currency    TEXT NOT NULL,
    amount_e4   INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (archive_id, currency)
) WITHOUT ROWID;

CREATE TABLE archive_files (
    id          INTEGER PRIMARY KEY,
    archive_id  INTEGER NOT NULL REFERENCES archives(id),
    path        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    format      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    records     INTEGER,                     -- as declared in the manifest, NULL when not declared
    UNIQUE (archive_id, path)
);

-- Audit events. Times: ts_utc_ms (UTC epoch ms) + ts_offset_s (offset stated by the source, or of the
-- archive's default zone when the source had none) + ts_text (the original string, verbatim).
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    archive_id   INTEGER NOT NULL REFERENCES archives(id),
    file_id      INTEGER NOT NULL REFERENCES archive_files(id),
    line         INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    ts_utc_ms    INTEGER NOT NULL,
    ts_offset_s  INTEGER NOT NULL,
    ts_text      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    actor_name   TEXT,
    actor_role   TEXT,
    source_ip    TEXT,
    action       TEXT NOT NULL,
    resource     TEXT,
    outcome      TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    session_id   TEXT,
    details      TEXT,                       -- JSON object as in the source line (minified)
    extra        TEXT,                       -- JSON object of keys the spec does not define
    UNIQUE (tenant_id, event_id)
);
CREATE INDEX events_tenant_ts ON events(tenant_id, ts_utc_ms);
CREATE INDEX events_ts ON events(ts_utc_ms);
CREATE INDEX events_actor ON events(actor);                       -- grid sort and pivots

-- Transactions. Money: amount_e4 is the amount times 10^4 (exact; the spec allows 4 decimals),
-- amount_text the original decimal string. Never negative; direction is debtor -> creditor.
CREATE TABLE transactions (
    id                INTEGER PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id),
    archive_id        INTEGER NOT NULL REFERENCES archives(id),
    file_id           INTEGER NOT NULL REFERENCES archive_files(id),
    line              INTEGER NOT NULL,
    txn_id            TEXT NOT NULL,
    ts_utc_ms         INTEGER NOT NULL,
    ts_offset_s       INTEGER NOT NULL,
    ts_text           TEXT NOT NULL,
    value_date        TEXT,
    debtor_account    TEXT,
    debtor_name       TEXT,
    debtor_bank       TEXT,
    creditor_account  TEXT,
    creditor_name     TEXT,
    creditor_bank     TEXT,
    amount_e4         INTEGER NOT NULL CHECK (amount_e4 >= 0),
    amount_text       TEXT NOT NULL,
    currency          TEXT NOT NULL,
    channel           TEXT,
    status            TEXT,
    reference         TEXT,
    memo              TEXT,
    extra             TEXT,                  -- JSON object of columns the spec does not define
    UNIQUE (tenant_id, txn_id)
);
CREATE INDEX transactions_tenant_ts ON transactions(tenant_id, ts_utc_ms);
CREATE INDEX transactions_ts ON transactions(ts_utc_ms);
CREATE INDEX transactions_debtor ON transactions(debtor_account);
CREATE INDEX transactions_creditor ON transactions(creditor_account);
CREATE INDEX transactions_amount ON transactions(amount_e4);      -- grid sort by amount

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    archive_id   INTEGER NOT NULL REFERENCES archives(id),
    file_id      INTEGER NOT NULL REFERENCES archive_files(id),
    line         INTEGER NOT NULL,
    account      TEXT NOT NULL,
    holder_name  TEXT,
    holder_id    TEXT,
    opened       TEXT,
    type         TEXT,
    status       TEXT,
    extra        TEXT,
    UNIQUE (tenant_id, account)
);
CREATE INDEX accounts_account ON accounts(account);

-- Rows that could not be imported, with where they came from and why. Imported archives only:
-- a rejected archive leaves nothing, not even quarantine rows.
CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY,
    archive_id  INTEGER NOT NULL REFERENCES archives(id),
    file        TEXT NOT NULL,
    line        INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    raw         TEXT NOT NULL                -- the line as found (lossy UTF-8 when it was invalid), capped at 4 KiB
);
CREATE INDEX quarantine_archive ON quarantine(archive_id);

-- Full-text indexes over the searchable text, filled at import. External content: the text lives in
-- events/transactions only once. Query with MATCH and join on rowid = id.
CREATE VIRTUAL TABLE events_fts USING fts5(
    actor, actor_name, action, resource, source_ip, details,
    content = 'events', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE transactions_fts USING fts5(
    debtor_account, debtor_name, creditor_account, creditor_name, reference, memo,
    content = 'transactions', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
