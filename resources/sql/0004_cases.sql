-- SPDX-License-Identifier: GPL-3.0-or-later
-- Cases, evidence, notes, tags and the tamper-evident journal. See docs/journal.md.

CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    ref          TEXT NOT NULL UNIQUE,           -- "C-0001": what users type and reports show
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'under_review', 'closed')),
    outcome      TEXT CHECK (outcome IS NULL OR outcome IN ('no_finding', 'finding', 'referred')),
    owner        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    journal_seq  INTEGER NOT NULL                -- the journal entry that created it
);

CREATE TABLE case_tags (
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    tag      TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
) WITHOUT ROWID;

-- Evidence: a stable reference to a record (the archive's sha256 plus the record's id within its
-- institution) and the SHA-256 of the record's canonical content when it was added. Removal is a
-- mark, not a delete: the report and the journal can still show what was there.
CREATE TABLE evidence (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    kind            TEXT NOT NULL CHECK (kind IN ('event', 'transaction')),
    record_rowid    INTEGER NOT NULL,            -- events.id / transactions.id at the time of adding
    tenant_id       TEXT NOT NULL,
    record_key      TEXT NOT NULL,               -- event_id / txn_id
    archive_sha256  TEXT NOT NULL,
    content_sha256  TEXT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    query           TEXT,                        -- the search that found it, when added from one
    added_by        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    removed_by      TEXT,
    removed_at      TEXT,
    journal_seq     INTEGER NOT NULL
);
CREATE INDEX evidence_case ON evidence(case_id);
CREATE UNIQUE INDEX evidence_unique_live ON evidence(case_id, kind, record_rowid) WHERE removed_at IS NULL;

CREATE TABLE evidence_tags (
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id),
    tag          TEXT NOT NULL,
    PRIMARY KEY (evidence_id, tag)
) WITHOUT ROWID;

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX notes_case ON notes(case_id);

-- Every edit of a note is a new revision; the latest is the note's text.
CREATE TABLE note_revisions (
    id           INTEGER PRIMARY KEY,
    note_id      INTEGER NOT NULL REFERENCES notes(id),
    revision     INTEGER NOT NULL,
    text         TEXT NOT NULL,                  -- Markdown
    author       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    journal_seq  INTEGER NOT NULL,
    UNIQUE (note_id, revision)
);

-- The journal: append-only, hash-chained. hash = SHA-256 of
-- seq || '\n' || at || '\n' || author || '\n' || action || '\n' || payload || '\n' || prev_hash
-- (prev_hash of the first entry is 64 zeros). payload is canonical JSON (sorted keys, compact).
CREATE TABLE journal (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,                    -- UTC, ISO 8601 with milliseconds
    author     TEXT NOT NULL,
    action     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
-- Casebook never changes or deletes journal entries; these triggers stop accidents. They do not
-- stop someone who drops them: the hash chain is what detects that (docs/journal.md).
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

-- Which journal entry recorded each archive's import (archives imported before the journal existed
-- are listed in the 'journal.started' entry instead).
ALTER TABLE archives ADD COLUMN journal_seq INTEGER;
