// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvexport.h"

#include "casereport.h"
#include "money.h"
#include "recordhash.h"
#include "sha256.h"
#include "sqlitedb.h"
#include "timestamp.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QIODevice>
#include <QSaveFile>

#include <sqlite3.h>

namespace casebook {

namespace {
QString tr(const char *s) { return QCoreApplication::translate("CsvExport", s); }
constexpr qsizetype kFlushBytes = 256 * 1024;
constexpr int64_t kProgressEvery = 1000;

int offsetIn(const QTimeZone &zone, int64_t utcMs)
{
    return zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc()));
}
} // namespace

CsvWriter::CsvWriter(QIODevice *out, const CsvOptions &options)
    : m_out(out)
    , m_options(options)
{
    m_buffer.reserve(kFlushBytes + 4096);
    if (m_options.bom)
        m_buffer.append("\xEF\xBB\xBF");
}

bool CsvWriter::isFormulaLike(QStringView v)
{
    if (v.isEmpty())
        return false;
    switch (v.front().unicode()) {
    case u'=':
    case u'+':
    case u'-':
    case u'@':
    case u'\t':
    case u'\r':
        return true;
    default:
        return false;
    }
}

QByteArray CsvWriter::encodeField(QStringView value, bool neutralise)
{
    const bool formula = neutralise && isFormulaLike(value);
    bool quote = formula;
    for (QChar c : value) {
        if (c == u',' || c == u'"' || c == u'\n' || c == u'\r') {
            quote = true;
            break;
        }
    }
    QByteArray utf8 = value.toUtf8();
    if (!quote)
        return utf8;
    QByteArray out;
    out.reserve(utf8.size() + 4);
    out += '"';
    if (formula)
        out += '\'';
    for (char c : std::as_const(utf8)) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void CsvWriter::writeRow(const QStringList &cells)
{
    for (qsizetype i = 0; i < cells.size(); ++i) {
        if (i)
            m_buffer += ',';
        m_buffer += encodeField(cells[i], m_options.neutraliseFormulas);
    }
    m_buffer += "\r\n";
    ++m_rows;
    if (m_buffer.size() >= kFlushBytes)
        flush();
}

void CsvWriter::flush()
{
    if (m_buffer.isEmpty() || m_failed)
        return;
    if (m_out->write(m_buffer) != m_buffer.size()) {
        m_failed = true;
        m_error = m_out->errorString();
    }
    m_buffer.clear();
}

Status CsvWriter::finish()
{
    flush();
    if (m_failed)
        return Error(Error::Code::Io, tr("Cannot write the CSV file"), m_error);
    return ok();
}

Result<int64_t> exportCaseEvidenceCsv(const SqliteDb &db, int64_t caseId, QIODevice *out, const CsvOptions &options,
                                      const QTimeZone &zone, const CsvProgress &progress)
{
    // Tags are not in the streamed item; one prepared lookup per row keeps memory flat.
    auto tagsQ = db.prepare("SELECT group_concat(tag, ';') FROM (SELECT tag FROM evidence_tags WHERE evidence_id = ? ORDER BY tag)");
    if (!tagsQ)
        return tagsQ.error();
    CsvWriter w(out, options);
    w.writeRow({ QStringLiteral("evidence_id"), QStringLiteral("institution"), QStringLiteral("kind"), QStringLiteral("record_id"),
                 QStringLiteral("time"), QStringLiteral("time_utc"), QStringLiteral("actor_or_parties"),
                 QStringLiteral("action_or_reference"), QStringLiteral("amount"), QStringLiteral("currency"),
                 QStringLiteral("comment"), QStringLiteral("tags"), QStringLiteral("content_sha256"),
                 QStringLiteral("archive_sha256"), QStringLiteral("added_by"), QStringLiteral("added_at"), QStringLiteral("query") });
    int64_t rows = 0;
    bool cancelled = false;
    auto st = forEachEvidence(db, caseId, [&](const EvidenceItem &e) {
        tagsQ->bind(1, qint64(e.id));
        QString tags;
        if (tagsQ->step() == Statement::StepResult::Row && !tagsQ->columnIsNull(0))
            tags = tagsQ->columnText(0);
        tagsQ->reset();
        const bool txn = e.kind == RecordKind::Transaction;
        w.writeRow({ QString::number(e.id), e.tenant, recordKindName(e.kind), e.recordKey,
                     formatInZone(e.utcMs, zone, e.offsetSeconds), formatTimestamp(e.utcMs, 0), e.who, e.what,
                     txn ? money::format(e.amountE4, e.currency.toLatin1()) : QString(), e.currency, e.comment, tags,
                     e.contentSha256, e.archiveSha256, e.addedBy, e.addedAt, e.query });
        ++rows;
        if (progress && rows % kProgressEvery == 0 && !progress(rows)) {
            cancelled = true;
            return false;
        }
        return true;
    });
    if (!st)
        return st.error();
    if (cancelled)
        return Error(Error::Code::Cancelled, tr("Export cancelled"));
    if (auto f = w.finish(); !f)
        return f.error();
    if (progress)
        progress(rows);
    return rows;
}

Result<int64_t> exportRecordsCsv(const SqliteDb &db, const GridQuery &q, QIODevice *out, const CsvOptions &options,
                                 const DisplayZone *zone, const CsvProgress &progress)
{
    const QVector<RecordColumn> &cols = recordColumns(q.kind);
    if (q.sortColumn < 0 || q.sortColumn >= cols.size() || !cols[q.sortColumn].sortSql)
        return Error(Error::Code::Usage, tr("Column %1 cannot be sorted").arg(q.sortColumn));
    const bool events = q.kind == RecordKind::Event;
    // Same filter and order as the grid (pageloader.cpp), without paging: one pass over the index.
    QByteArray sql = "SELECT id, tenant_id, ts_utc_ms, ts_offset_s";
    for (int c = 2; c < cols.size(); ++c)
        sql += QByteArray(", ") + cols[c].sql;
    sql += events ? ", details" : ", value_date, debtor_bank, creditor_bank";
    sql += events ? " FROM events WHERE 1" : " FROM transactions WHERE 1";
    if (!q.filter.tenants.isEmpty()) {
        sql += " AND tenant_id IN (";
        for (int i = 0; i < q.filter.tenants.size(); ++i)
            sql += i ? ",?" : "?";
        sql += ")";
    }
    if (q.filter.hasTimeRange())
        sql += " AND ts_utc_ms >= ? AND ts_utc_ms < ?";
    const QByteArray dir = q.descending ? " DESC" : "";
    sql += " ORDER BY " + QByteArray(cols[q.sortColumn].sortSql) + dir + ", id" + dir;
    auto st = db.prepare(sql);
    if (!st)
        return st.error();
    int bindIndex = 1;
    for (const QString &t : q.filter.tenants)
        st->bind(bindIndex++, t);
    if (q.filter.hasTimeRange()) {
        st->bind(bindIndex++, q.filter.fromUtcMs);
        st->bind(bindIndex++, q.filter.toUtcMs);
    }

    QStringList header;
    for (const RecordColumn &c : cols)
        header << QCoreApplication::translate("RecordTableModel", c.title);
    header.insert(1, tr("Time (UTC)"));
    if (events)
        header << tr("Details");
    else
        header << tr("Value date") << tr("Debtor bank") << tr("Creditor bank");
    CsvWriter w(out, options);
    w.writeRow(header);

    const int nCols = int(cols.size());
    const int extra = events ? 1 : 3;
    // Transactions: the amount column is formatted with the currency column that follows it.
    int amountCol = -1, currencyCol = -1;
    for (int c = 0; c < nCols; ++c) {
        if (qstrcmp(cols[c].sql, "amount_e4") == 0)
            amountCol = c;
        else if (qstrcmp(cols[c].sql, "currency") == 0)
            currencyCol = c;
    }
    int64_t rows = 0;
    QStringList cells;
    for (;;) {
        const auto r = st->step();
        if (r == Statement::StepResult::Done)
            break;
        if (r != Statement::StepResult::Row)
            return Error(Error::Code::Database, tr("Cannot read the rows to export"), db.lastError());
        const QString tenant = st->columnText(1);
        const int64_t utcMs = st->columnInt(2);
        const int offset = int(st->columnInt(3));
        cells.clear();
        cells << formatTimestamp(utcMs, zone ? offsetIn(zone->zoneFor(tenant), utcMs) : offset) << formatTimestamp(utcMs, 0)
              << tenant;
        for (int c = 2; c < nCols; ++c) {
            const int sc = 4 + c - 2;
            if (c == amountCol)
                cells << money::format(st->columnInt(sc), currencyCol >= 0 ? st->columnText(4 + currencyCol - 2).toLatin1() : QByteArray());
            else
                cells << (st->columnIsNull(sc) ? QString() : st->columnText(sc));
        }
        for (int x = 0; x < extra; ++x)
            cells << st->columnText(4 + nCols - 2 + x);
        w.writeRow(cells);
        ++rows;
        if (progress && rows % kProgressEvery == 0 && !progress(rows))
            return Error(Error::Code::Cancelled, tr("Export cancelled"));
    }
    if (auto f = w.finish(); !f)
        return f.error();
    if (progress)
        progress(rows);
    return rows;
}

Result<CsvFileResult> writeCsvFile(const QString &path, const std::function<Result<int64_t>(QIODevice *)> &body)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(Error::Code::Io, tr("Cannot write %1").arg(path), f.errorString());
    auto rows = body(&f);
    if (!rows) {
        f.cancelWriting();
        return rows.error();
    }
    if (!f.commit())
        return Error(Error::Code::Io, tr("Cannot write %1").arg(path), f.errorString());
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return Error(Error::Code::Io, tr("Cannot read back %1").arg(path), in.errorString());
    Sha256 h;
    QByteArray buf(1 << 20, Qt::Uninitialized);
    int64_t bytes = 0;
    for (qint64 n; (n = in.read(buf.data(), buf.size())) > 0;) {
        h.add(QByteArrayView(buf.constData(), n));
        bytes += n;
    }
    return CsvFileResult { path, *rows, bytes, h.hexResult() };
}

} // namespace casebook
