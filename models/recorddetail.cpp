// SPDX-License-Identifier: GPL-3.0-or-later
#include "recorddetail.h"

#include "money.h"
#include "sqlitedb.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <sqlite3.h>

namespace casebook {

Result<RecordDetail> loadRecordDetail(const SqliteDb &db, RecordKind kind, int64_t id)
{
    const bool ev = kind == RecordKind::Event;
    const QByteArray sql = QByteArray("SELECT r.*, t.name, a.sha256, a.export_id, a.source_path, a.state, a.state_detail, f.path FROM ")
        + (ev ? "events" : "transactions")
        + " r JOIN tenants t ON t.id = r.tenant_id JOIN archives a ON a.id = r.archive_id "
          "JOIN archive_files f ON f.id = r.file_id WHERE r.id = ?";
    auto st = db.prepare(sql);
    if (!st)
        return st.error();
    st->bind(1, qint64(id));
    if (st->step() != Statement::StepResult::Row)
        return Error(Error::Code::Database, QCoreApplication::translate("RecordDetail", "Record %1 not found").arg(id));
    RecordDetail d;
    d.kind = kind;
    d.id = id;
    const int n = sqlite3_column_count(st->handle());
    QString currency;
    qint64 amountE4 = 0;
    for (int c = 0; c < n - 7; ++c) {
        const QString name = QString::fromUtf8(sqlite3_column_name(st->handle(), c));
        if (st->columnIsNull(c))
            continue;
        const QString value = st->columnText(c);
        if (name == u"id" || name == u"archive_id" || name == u"file_id")
            continue;
        if (name == u"tenant_id")
            d.tenant = value;
        else if (name == u"line")
            d.line = st->columnInt(c);
        else if (name == u"ts_utc_ms")
            d.utcMs = st->columnInt(c);
        else if (name == u"ts_offset_s")
            d.offsetSeconds = int(st->columnInt(c));
        else if (name == u"ts_text")
            d.tsText = value;
        else if (name == u"details" || name == u"extra") {
            const QJsonDocument doc = QJsonDocument::fromJson(value.toUtf8());
            const QString pretty = doc.isNull() ? value : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
            d.detailsJson += (d.detailsJson.isEmpty() ? QString() : QStringLiteral("\n")) + (name == u"extra" ? QStringLiteral("extra: ") : QString()) + pretty;
        } else if (name == u"amount_e4") {
            amountE4 = st->columnInt(c);
        } else {
            if (name == u"event_id" || name == u"txn_id")
                d.recordId = value;
            if (name == u"currency")
                currency = value;
            d.fields.push_back({ name, value });
        }
    }
    if (!ev) {
        // The exact amount next to the original text, so a reader sees both agree.
        d.fields.push_back({ QStringLiteral("amount"), money::format(amountE4, currency.toLatin1()) + u' ' + currency });
    }
    d.tenantName = st->columnText(n - 7);
    d.archiveSha256 = st->columnText(n - 6);
    d.exportId = st->columnText(n - 5);
    d.archivePath = st->columnText(n - 4);
    d.archiveState = st->columnText(n - 3);
    d.archiveStateDetail = st->columnText(n - 2);
    d.file = st->columnText(n - 1);
    return d;
}

} // namespace casebook
