// SPDX-License-Identifier: GPL-3.0-or-later
#include "verifier.h"

#include "journal.h"
#include "recordhash.h"
#include "sha256.h"
#include "sqlitedb.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace casebook {

namespace {
QString tr(const char *s) { return QCoreApplication::translate("Verifier", s); }

QByteArray hashFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    Sha256 h;
    QByteArray buf(1 << 20, Qt::Uninitialized);
    for (qint64 n; (n = f.read(buf.data(), buf.size())) > 0;)
        h.add(QByteArrayView(buf.constData(), n));
    return h.hexResult();
}
} // namespace

Result<VerifyReport> verifyWorkspace(const SqliteDb &db, bool rehashArchives)
{
    VerifyReport r;
    r.head = journal::kGenesis;
    const auto fail = [&](const QString &msg) {
        r.failure = msg;
        r.intact = false;
        return r;
    };

    // 1. The chain: consecutive seqs from 1, each linking to its predecessor, each hash recomputed.
    QHash<int64_t, std::pair<QString, QJsonObject>> entries; // seq → action, payload
    QHash<int64_t, QSet<int64_t>> addedEvidence; // seq of an evidence.added entry → the evidence ids it lists
    {
        auto q = db.prepare("SELECT seq, at, author, action, payload, prev_hash, hash FROM journal ORDER BY rowid");
        if (!q)
            return q.error();
        int64_t expected = 1;
        QByteArray prev = journal::kGenesis;
        while (q->step() == Statement::StepResult::Row) {
            const int64_t seq = q->columnInt(0);
            const QByteArray payload = q->columnBlob(4).toByteArray();
            const QByteArray prevHash = q->columnBlob(5).toByteArray();
            const QByteArray hash = q->columnBlob(6).toByteArray();
            if (seq != expected)
                return fail(tr("journal entry %1: expected entry %2 here (entries missing or reordered)").arg(seq).arg(expected));
            if (prevHash != prev)
                return fail(tr("journal entry %1: does not link to entry %2 (previous hash differs)").arg(seq).arg(seq - 1));
            const QByteArray recomputed = journal::entryHash(seq, q->columnText(1), q->columnText(2), q->columnText(3), payload, prevHash);
            if (recomputed != hash)
                return fail(tr("journal entry %1 (%2): content does not match its hash (edited)").arg(seq).arg(q->columnText(3)));
            if (journal::canonical(QJsonDocument::fromJson(payload).object()) != payload)
                return fail(tr("journal entry %1: payload is not canonical JSON").arg(seq));
            const QJsonObject object = QJsonDocument::fromJson(payload).object();
            if (q->columnText(3) == u"evidence.added") {
                // Index the items once: a case with thousands of items would otherwise rescan this
                // array for each of them (quadratic: 7 s for 10 000 items).
                QSet<int64_t> &ids = addedEvidence[seq];
                for (const QJsonValue &v : object.value(u"items").toArray())
                    ids.insert(v.toObject().value(u"evidence_id").toInteger());
            }
            entries.insert(seq, { q->columnText(3), object });
            prev = hash;
            ++expected;
        }
        r.entries = expected - 1;
        r.head = prev;
    }

    // 2. Everything that claims a journal entry must find it (a truncated journal loses them).
    const auto entryRecords = [&](int64_t seq, const QString &action, const QString &key, qint64 id) {
        const auto it = entries.constFind(seq);
        if (it == entries.constEnd() || it->first != action)
            return false;
        if (action == u"evidence.added")
            return addedEvidence.value(seq).contains(id);
        return it->second.value(key).toInteger() == id;
    };
    {
        auto q = db.prepare("SELECT id, ref, journal_seq FROM cases ORDER BY id");
        if (!q)
            return q.error();
        while (q->step() == Statement::StepResult::Row)
            if (!entryRecords(q->columnInt(2), QStringLiteral("case.created"), QStringLiteral("case_id"), q->columnInt(0)))
                return fail(tr("case %1: its creation is not in the journal (entry %2 missing or different)").arg(q->columnText(1)).arg(q->columnInt(2)));
    }
    {
        auto q = db.prepare("SELECT note_id, revision, journal_seq, text FROM note_revisions ORDER BY id");
        if (!q)
            return q.error();
        while (q->step() == Statement::StepResult::Row) {
            const QString action = q->columnInt(1) == 1 ? QStringLiteral("note.added") : QStringLiteral("note.revised");
            const auto it = entries.constFind(q->columnInt(2));
            if (!entryRecords(q->columnInt(2), action, QStringLiteral("note_id"), q->columnInt(0))
                || it->second.value(u"text").toString() != q->columnText(3))
                return fail(tr("note %1 revision %2: not as recorded in the journal (entry %3)").arg(q->columnInt(0)).arg(q->columnInt(1)).arg(q->columnInt(2)));
        }
    }
    {
        auto q = db.prepare("SELECT id, export_id, journal_seq FROM archives WHERE journal_seq IS NOT NULL ORDER BY id");
        if (!q)
            return q.error();
        while (q->step() == Statement::StepResult::Row)
            if (!entryRecords(q->columnInt(2), QStringLiteral("archive.imported"), QStringLiteral("archive_id"), q->columnInt(0)))
                return fail(tr("archive %1: its import is not in the journal (entry %2 missing or different)").arg(q->columnText(1)).arg(q->columnInt(2)));
    }

    // 3. Evidence: the record is still the one added (same institution, id, archive, content).
    {
        auto q = db.prepare("SELECT id, case_id, kind, record_rowid, tenant_id, record_key, archive_sha256, content_sha256, journal_seq FROM evidence ORDER BY id");
        if (!q)
            return q.error();
        RecordFingerprinter fingerprinter(db);
        while (q->step() == Statement::StepResult::Row) {
            const int64_t id = q->columnInt(0);
            if (!entryRecords(q->columnInt(8), QStringLiteral("evidence.added"), {}, id))
                return fail(tr("evidence item %1: its addition is not in the journal (entry %2 missing or different)").arg(id).arg(q->columnInt(8)));
            RecordKind kind;
            if (!parseRecordKind(q->columnText(2), kind))
                return fail(tr("evidence item %1: unknown kind").arg(id));
            auto f = fingerprinter.fingerprint(kind, q->columnInt(3));
            if (!f)
                return fail(tr("evidence item %1 (%2 %3): the record is gone from the workspace").arg(id).arg(q->columnText(4), q->columnText(5)));
            if (f->tenant != q->columnText(4) || f->recordKey != q->columnText(5))
                return fail(tr("evidence item %1: the workspace row now holds %2 %3, not %4 %5")
                                .arg(id).arg(f->tenant, f->recordKey, q->columnText(4), q->columnText(5)));
            if (f->archiveSha256 != q->columnText(6))
                return fail(tr("evidence item %1 (%2 %3): its archive's sha256 changed").arg(id).arg(q->columnText(4), q->columnText(5)));
            if (QString::fromLatin1(f->contentSha256) != q->columnText(7))
                return fail(tr("evidence item %1 (%2 %3): the record's content changed since it was added (sha256 %4, was %5)")
                                .arg(id).arg(q->columnText(4), q->columnText(5), QString::fromLatin1(f->contentSha256), q->columnText(7)));
            ++r.evidenceChecked;
        }
    }

    // 4. Archive files still on disk hash as recorded.
    if (rehashArchives) {
        auto q = db.prepare("SELECT export_id, source_path, container, sha256, manifest FROM archives ORDER BY id");
        if (!q)
            return q.error();
        while (q->step() == Statement::StepResult::Row) {
            const QString path = q->columnText(1);
            const QString container = q->columnText(2);
            QByteArray actual;
            if (container == u"directory") {
                if (!QFileInfo::exists(path + u"/manifest.json")) {
                    r.notes << tr("archive %1: %2 is no longer on disk (not re-hashed)").arg(q->columnText(0), path);
                    continue;
                }
                actual = hashFile(path + u"/manifest.json");
            } else {
                if (!QFileInfo::exists(path)) {
                    r.notes << tr("archive %1: %2 is no longer on disk (not re-hashed)").arg(q->columnText(0), path);
                    continue;
                }
                actual = hashFile(path);
            }
            if (QString::fromLatin1(actual) != q->columnText(3))
                return fail(tr("archive %1: %2 now hashes to %3, the workspace recorded %4").arg(q->columnText(0), path, QString::fromLatin1(actual), q->columnText(3)));
            ++r.archivesChecked;
        }
    }
    r.intact = true;
    return r;
}

} // namespace casebook
