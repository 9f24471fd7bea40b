// SPDX-License-Identifier: GPL-3.0-or-later
#include "journal.h"

#include "sha256.h"
#include "sqlitedb.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

namespace casebook::journal {

QByteArray canonical(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QByteArray entryHash(int64_t seq, const QString &at, const QString &author, const QString &action,
                     const QByteArray &payload, const QByteArray &prevHash)
{
    Sha256 h;
    h.add(QByteArray::number(qint64(seq)));
    h.add("\n");
    h.add(at.toUtf8());
    h.add("\n");
    h.add(author.toUtf8());
    h.add("\n");
    h.add(action.toUtf8());
    h.add("\n");
    h.add(payload);
    h.add("\n");
    h.add(prevHash);
    return h.hexResult();
}

Result<Head> head(const SqliteDb &db)
{
    auto q = db.prepare("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1");
    if (!q)
        return q.error();
    Head h;
    h.hash = kGenesis;
    if (q->step() == Statement::StepResult::Row) {
        h.entries = q->columnInt(0);
        h.hash = q->columnBlob(1).toByteArray();
    }
    return h;
}

Result<int64_t> append(SqliteDb &db, const QString &author, const QString &action, const QJsonObject &payload)
{
    auto h = head(db);
    if (!h)
        return h.error();
    const int64_t seq = h->entries + 1;
    const QString at = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QByteArray body = canonical(payload);
    const QByteArray hash = entryHash(seq, at, author, action, body, h->hash);
    auto ins = db.prepare("INSERT INTO journal(seq, at, author, action, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?)");
    if (!ins)
        return ins.error();
    ins->bind(1, qint64(seq));
    ins->bind(2, at);
    ins->bind(3, author);
    ins->bind(4, action);
    ins->bind(5, QByteArrayView(body));
    ins->bind(6, QByteArrayView(h->hash));
    ins->bind(7, QByteArrayView(hash));
    if (!ins->run())
        return Error(Error::Code::Database, QCoreApplication::translate("Journal", "Cannot write the journal"), db.lastError());
    return seq;
}

Result<int64_t> appendStandalone(SqliteDb &db, const QString &author, const QString &action, const QJsonObject &payload)
{
    if (auto st = db.beginWrite(); !st)
        return st.error();
    auto r = append(db, author, action, payload);
    if (!r) {
        db.exec("ROLLBACK");
        return r;
    }
    if (auto st = db.exec("COMMIT"); !st) {
        db.exec("ROLLBACK");
        return st.error();
    }
    return r;
}

} // namespace casebook::journal
