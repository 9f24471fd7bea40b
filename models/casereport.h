// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "casestore.h"
#include "error.h"

#include <QMap>
#include <QString>
#include <QTimeZone>
#include <QVector>

#include <cstdint>
#include <functional>

namespace casebook {

class SqliteDb;

/// An archive the case's evidence comes from, as the provenance section and the manifest list it.
struct ReportSource
{
    QString tenant, tenantName;
    QString exportId, sha256;
    QString state, stateDetail; ///< "verified" | "unsigned"; empty when the archive is no longer in the workspace
    QString periodFrom, periodTo, createdAt;
    QString importedAt, importedBy, sourcePath;
    int64_t evidence = 0; ///< live evidence items from this archive
    bool present() const { return !state.isEmpty(); }
    bool isUnsigned() const { return state != u"verified"; }
};

/// Evidence counts of one institution.
struct ReportInstitution
{
    QString id, name;
    int64_t events = 0, transactions = 0;
};

/// A search that contributed evidence (evidence.query), with how many live items it added.
struct ReportQuery
{
    QString query;
    int64_t items = 0;
};

/// Everything a case report shows except the evidence rows themselves, which are streamed
/// (forEachEvidence) so that a report's memory does not grow with the number of items.
struct CaseReportData
{
    CaseSummary caseInfo;
    QVector<ReportInstitution> institutions; ///< ordered by id
    QVector<ReportSource> sources; ///< ordered by institution, then period
    QVector<NoteRevision> notes; ///< latest revision of each note, oldest note first
    QVector<ReportQuery> queries; ///< ordered by text; items added without a query are not listed
    int64_t evidence = 0, events = 0, transactions = 0; ///< live items
    QMap<QString, int64_t> totalsE4; ///< currency → exact sum of amount_e4 over evidence transactions
    QMap<QString, int64_t> countsByCurrency; ///< currency → evidence transactions
    int64_t firstUtcMs = 0, lastUtcMs = 0; ///< time span of the evidence (both 0 when there is none)

    int unsignedSources() const;
};

/// Loads the report data of a case (read-only). Totals are summed exactly in SQL (integer, fails on
/// overflow rather than rounding).
Result<CaseReportData> loadCaseReportData(const SqliteDb &db, int64_t caseId);

/// Streams the live evidence items of a case in report order (record time, then evidence id), with
/// the display fields CaseStore::evidence() fills, except that `who` of an event also names the
/// actor ("u.wang (王芳)"); tags are not loaded. `sink` returns false to
/// stop early (the result is then still ok). Memory is one item, whatever the case's size.
Status forEachEvidence(const SqliteDb &db, int64_t caseId, const std::function<bool(const EvidenceItem &)> &sink);

/// Evidence counted per time bucket and institution, for the report's timeline figure.
struct EvidenceHistogram
{
    enum class Unit { Hour, Day, Week };
    Unit unit = Unit::Day;
    QTimeZone zone; ///< buckets start at midnight / on the hour / on Monday in this zone
    QStringList tenants; ///< institutions with evidence, ordered by id
    QMap<QString, QString> tenantNames;
    QVector<int64_t> bucketStartUtcMs; ///< ascending, only buckets with evidence
    QVector<QVector<int>> counts; ///< [tenant index][bucket index]
    int64_t total = 0;
    static QString unitName(Unit u); ///< "hour" / "day" / "week"
};

/// Buckets the live evidence of a case: hours when it spans at most three days, weeks when it spans
/// more than a year, days otherwise. Cheap (reads tenant and time only); fine on the GUI thread for
/// tens of thousands of items.
Result<EvidenceHistogram> evidenceHistogram(const SqliteDb &db, int64_t caseId, const QTimeZone &zone);

/// `utcMs` at the UTC offset `zone` has then, as ISO 8601 (`2026-01-05T09:31:02.125+08:00`; `Z` for
/// UTC). An invalid zone keeps `sourceOffsetSeconds`, the offset the record stated.
QString formatInZone(int64_t utcMs, const QTimeZone &zone, int sourceOffsetSeconds);

/// Parses a --tz argument: an IANA id ("Asia/Shanghai"), "UTC", or "source" (each record at the
/// offset it stated: returns an invalid QTimeZone). Returns false for an unknown zone.
bool parseReportZone(const QString &text, QTimeZone &zone);

} // namespace casebook
