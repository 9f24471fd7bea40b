// SPDX-License-Identifier: GPL-3.0-or-later
// Cases and the tamper-evident journal: chain verification, tamper detection (delete, edit,
// reorder, truncate, re-hashed forgery), evidence hashes, undo/redo journaled.

#include "casestore.h"
#include "importer.h"
#include "journal.h"
#include "keyring.h"
#include "testutils.h"
#include "verifier.h"
#include "workspace.h"

#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;

using Tamper = std::function<void(SqliteDb &)>;
Q_DECLARE_METATYPE(Tamper)

class TestJournal : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;
    Keyring m_keyring;

    /// A workspace with one archive, a case with two evidence items and a revised note.
    QString populated()
    {
        const QString ws = m_dir.filePath(QStringLiteral("%1.casebook").arg(++m_n));
        const QString archive = m_dir.filePath(QStringLiteral("%1.sea.zip").arg(m_n));
        if (!writeArchive(archive, ArchiveSpec()))
            qFatal("archive");
        auto w = Workspace::create(ws);
        if (importArchive(*w, { archive, QStringLiteral("importer"), &m_keyring }).outcome != ImportResult::Outcome::Imported)
            qFatal("import");
        CaseStore store(w->db(), QStringLiteral("Ada (FSA)"));
        auto c = store.createCase(QStringLiteral("Night export"), QStringLiteral("DBA at T9001"));
        store.addEvidence(c->id, RecordKind::Event, { 1, 2 }, QStringLiteral("off-hours"));
        store.addEvidence(c->id, RecordKind::Transaction, { 1 }, QStringLiteral("payment"));
        auto note = store.addNote(c->id, QStringLiteral("# Finding\n\n- export at *02:13*"));
        store.reviseNote(*note, QStringLiteral("# Finding\n\n- export at *02:13 local*"));
        return ws;
    }

    static VerifyReport verify(const QString &ws)
    {
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        auto r = verifyWorkspace(*db);
        if (!r)
            qFatal("verify failed to run");
        return *r;
    }

private Q_SLOTS:
    void initTestCase() { m_keyring.insert(QString::fromLatin1(kTestKeyId), testPublicKey()); }

    void intactChain()
    {
        const QString ws = populated();
        const VerifyReport r = verify(ws);
        QVERIFY2(r.intact, qPrintable(r.failure));
        // workspace.created, archive.imported, case.created, 2x evidence.added, note.added, note.revised
        QCOMPARE(r.entries, 7);
        QCOMPARE(r.evidenceChecked, 3);
        QCOMPARE(r.archivesChecked, 1);
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        QCOMPARE(journal::head(*db)->hash, r.head);
        auto first = db->prepare("SELECT action, prev_hash FROM journal WHERE seq = 1");
        QVERIFY(first->step() == Statement::StepResult::Row);
        QCOMPARE(first->columnText(0), QStringLiteral("workspace.created"));
        QCOMPARE(first->columnBlob(1).toByteArray(), journal::kGenesis);
    }

    void triggersStopCasualEdits()
    {
        const QString ws = populated();
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadWrite);
        QVERIFY(!db->exec("DELETE FROM journal WHERE seq = 2"));
        QVERIFY(!db->exec("UPDATE journal SET author = 'x' WHERE seq = 2"));
        QVERIFY(verify(ws).intact);
    }

    void tamperDetected_data()
    {
        QTest::addColumn<Tamper>("tamper");
        QTest::addColumn<QString>("failure");
        const auto noTriggers = [](SqliteDb &db) { db.exec("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;"); };
        QTest::addRow("delete an entry") << Tamper([=](SqliteDb &db) {
            noTriggers(db);
            db.exec("DELETE FROM journal WHERE seq = 3");
        }) << QStringLiteral("journal entry 4: expected entry 3 here");
        QTest::addRow("edit a payload") << Tamper([=](SqliteDb &db) {
            noTriggers(db);
            db.exec("UPDATE journal SET payload = replace(payload, 'off-hours', 'routine') WHERE seq = 4");
        }) << QStringLiteral("journal entry 4 (evidence.added): content does not match its hash");
        QTest::addRow("edit an author") << Tamper([=](SqliteDb &db) {
            noTriggers(db);
            db.exec("UPDATE journal SET author = 'Mallory' WHERE seq = 3");
        }) << QStringLiteral("journal entry 3 (case.created): content does not match its hash");
        QTest::addRow("reorder two entries") << Tamper([=](SqliteDb &db) {
            noTriggers(db);
            db.exec("UPDATE journal SET seq = -4 WHERE seq = 4; UPDATE journal SET seq = 4 WHERE seq = 5; UPDATE journal SET seq = 5 WHERE seq = -4;");
        }) << QStringLiteral("journal entry 4: does not link to entry 3");
        QTest::addRow("truncate the tail") << Tamper([=](SqliteDb &db) {
            noTriggers(db);
            db.exec("DELETE FROM journal WHERE seq >= 5");
        }) << QStringLiteral("note 1 revision 1: not as recorded in the journal (entry 6)");
        QTest::addRow("truncate to before the case") << Tamper([=](SqliteDb &db) {
            noTriggers(db);
            db.exec("DELETE FROM journal WHERE seq >= 3");
        }) << QStringLiteral("case C-0001: its creation is not in the journal");
        QTest::addRow("re-hashed forgery of one entry") << Tamper([=](SqliteDb &db) {
            noTriggers(db);
            // Rewrite entry 3's author and recompute its own hash: the next entry no longer links.
            auto q = db.prepare("SELECT at, action, payload, prev_hash FROM journal WHERE seq = 3");
            q->step();
            const QByteArray hash = journal::entryHash(3, q->columnText(0), QStringLiteral("Mallory"), q->columnText(1),
                                                       q->columnBlob(2).toByteArray(), q->columnBlob(3).toByteArray());
            q = db.prepare("UPDATE journal SET author = 'Mallory', hash = ? WHERE seq = 3");
            q->bind(1, QByteArrayView(hash));
            q->run();
        }) << QStringLiteral("journal entry 4: does not link to entry 3");
        QTest::addRow("note text edited") << Tamper([=](SqliteDb &db) {
            db.exec("UPDATE note_revisions SET text = 'nothing to see' WHERE revision = 2");
        }) << QStringLiteral("note 1 revision 2: not as recorded in the journal");
        QTest::addRow("record content edited") << Tamper([=](SqliteDb &db) {
            db.exec("UPDATE events SET actor = 'someone.else' WHERE id = 2");
        }) << QStringLiteral("evidence item 2 (T9001 E2): the record's content changed since it was added");
        QTest::addRow("evidence hash edited") << Tamper([=](SqliteDb &db) {
            db.exec("UPDATE evidence SET content_sha256 = replace(content_sha256, substr(content_sha256, 1, 1), 'f') WHERE id = 1");
        }) << QStringLiteral("evidence item 1 (T9001 E1): the record's content changed");
        QTest::addRow("evidence row forged") << Tamper([=](SqliteDb &db) {
            db.exec("INSERT INTO evidence(case_id, kind, record_rowid, tenant_id, record_key, archive_sha256, content_sha256, added_by, added_at, journal_seq) "
                    "SELECT case_id, 'event', 3, tenant_id, 'E3', archive_sha256, content_sha256, added_by, added_at, journal_seq FROM evidence WHERE id = 1");
        }) << QStringLiteral("evidence item 4: its addition is not in the journal");
    }

    void tamperDetected()
    {
        QFETCH(Tamper, tamper);
        QFETCH(QString, failure);
        const QString ws = populated();
        QVERIFY(verify(ws).intact);
        {
            auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadWrite);
            tamper(*db);
        }
        const VerifyReport r = verify(ws);
        QVERIFY(!r.intact);
        QVERIFY2(r.failure.contains(failure), qPrintable(r.failure));
    }

    void archiveFileChanged()
    {
        const QString ws = populated();
        QFile f(m_dir.filePath(QStringLiteral("%1.sea.zip").arg(m_n)));
        QVERIFY(f.open(QIODevice::Append));
        f.write("x");
        f.close();
        const VerifyReport r = verify(ws);
        QVERIFY(!r.intact);
        QVERIFY2(r.failure.contains(u"now hashes to"), qPrintable(r.failure));
        QVERIFY(f.remove());
        const VerifyReport gone = verify(ws);
        QVERIFY(gone.intact); // a moved archive is a note, not a broken chain
        QVERIFY(gone.notes.join(u'\n').contains(u"no longer on disk"));
    }

    void evidenceStaysValidAfterFurtherImports()
    {
        const QString ws = populated();
        ArchiveSpec other;
        other.tenantId = QStringLiteral("T9002");
        other.exportId = QStringLiteral("later");
        const QString archive = m_dir.filePath(QStringLiteral("later.sea.zip"));
        QVERIFY(writeArchive(archive, other));
        auto w = Workspace::open(ws);
        QCOMPARE(importArchive(*w, { archive, QStringLiteral("importer"), &m_keyring }).outcome, ImportResult::Outcome::Imported);
        const VerifyReport r = verify(ws);
        QVERIFY2(r.intact, qPrintable(r.failure));
        QCOMPARE(r.evidenceChecked, 3);
        QCOMPARE(r.entries, 8);
    }

    void rejectionIsJournaled()
    {
        const QString ws = populated();
        ArchiveSpec bad;
        bad.exportId = QStringLiteral("bad");
        bad.manifestHook = [](QJsonObject &m) { m.insert(QStringLiteral("version"), 9); };
        const QString archive = m_dir.filePath(QStringLiteral("bad.sea.zip"));
        QVERIFY(writeArchive(archive, bad));
        auto w = Workspace::open(ws);
        QCOMPARE(importArchive(*w, { archive, QStringLiteral("importer"), &m_keyring }).outcome, ImportResult::Outcome::Rejected);
        auto q = w->db().prepare("SELECT action, author, payload FROM journal ORDER BY seq DESC LIMIT 1");
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnText(0), QStringLiteral("archive.rejected"));
        QCOMPARE(q->columnText(1), QStringLiteral("importer"));
        QVERIFY(q->columnText(2).contains(u"unsupported SEA version 9"));
        QVERIFY(verify(ws).intact);
    }

    void undoRedoOfEvidenceIsJournaled()
    {
        const QString ws = populated();
        auto w = Workspace::open(ws);
        CaseStore store(w->db(), QStringLiteral("Ada (FSA)"));
        QVERIFY(store.removeEvidence(1, 2));
        QCOMPARE(store.evidence(1)->size(), 2);
        QCOMPARE(store.evidence(1, true)->size(), 3);
        QVERIFY(store.restoreEvidence(1, 2));
        QCOMPARE(store.evidence(1)->size(), 3);
        QVERIFY(!store.restoreEvidence(1, 2)); // nothing to restore
        auto q = w->db().prepare("SELECT action FROM journal ORDER BY seq DESC LIMIT 2");
        QStringList actions;
        while (q->step() == Statement::StepResult::Row)
            actions << q->columnText(0);
        QCOMPARE(actions, (QStringList { QStringLiteral("evidence.restored"), QStringLiteral("evidence.removed") }));
        QVERIFY(verify(ws).intact);
    }

    void caseLifecycle()
    {
        const QString ws = populated();
        auto w = Workspace::open(ws);
        CaseStore store(w->db(), QStringLiteral("Ada (FSA)"));
        auto c = store.findCase(QStringLiteral("c-0001"));
        QVERIFY(c);
        QCOMPARE(c->evidenceCount, 3);
        QCOMPARE(c->noteCount, 1);
        QVERIFY(!store.setStatus(c->id, QStringLiteral("closed"))); // needs an outcome
        QVERIFY(!store.setStatus(c->id, QStringLiteral("open"), QStringLiteral("finding")));
        QVERIFY(!store.setStatus(c->id, QStringLiteral("bogus")));
        QVERIFY(store.setStatus(c->id, QStringLiteral("under_review")));
        QVERIFY(store.setStatus(c->id, QStringLiteral("closed"), QStringLiteral("referred")));
        QVERIFY(store.setCaseTags(c->id, { QStringLiteral(" aml "), QStringLiteral("insider"), QStringLiteral("aml") }));
        QVERIFY(store.setEvidenceTags(1, { QStringLiteral("key") }));
        c = store.caseById(c->id);
        QCOMPARE(c->status, QStringLiteral("closed"));
        QCOMPARE(c->outcome, QStringLiteral("referred"));
        QCOMPARE(c->tags, (QStringList { QStringLiteral("aml"), QStringLiteral("insider") }));
        const auto items = store.evidence(c->id);
        for (const EvidenceItem &e : *items)
            QCOMPARE(e.tags, e.id == 1 ? QStringList { QStringLiteral("key") } : QStringList());
        auto history = store.noteHistory(1);
        QCOMPARE(history->size(), 2);
        QCOMPARE(store.notes(c->id)->at(0).revision, 2);
        QVERIFY(store.notes(c->id)->at(0).text.contains(u"02:13 local"));
        // Adding the same record twice is a no-op.
        QCOMPARE(store.addEvidence(c->id, RecordKind::Event, { 1 })->size(), 0);
        QVERIFY(!store.addEvidence(c->id, RecordKind::Event, { 999 }));
        QVERIFY(!store.createCase(QStringLiteral("  ")));
        QVERIFY(verify(ws).intact);
    }
};

QTEST_GUILESS_MAIN(TestJournal)
#include "tst_journal.moc"
