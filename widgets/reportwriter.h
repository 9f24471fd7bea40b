// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "casereport.h"
#include "error.h"
#include "identity.h"

#include <QByteArray>
#include <QPicture>
#include <QSize>
#include <QString>
#include <QTimeZone>

#include <cstdint>
#include <functional>

namespace casebook {

/// What to export. Everything is copied into the worker (STYLE 20).
struct ReportRequest
{
    QString workspacePath;
    QString caseRef; ///< "C-0001" or the numeric id
    QString outputPath; ///< FILE.pdf; FILE.pdf.sha256 and FILE.manifest.json are written beside it
    /// Zone of every time shown (title page, table, figure). Invalid = each record at the offset its
    /// source stated (`--tz source`); the generation time is then shown in UTC only.
    QTimeZone zone = QTimeZone::utc();
    Investigator investigator; ///< shown on the title page
    QString author; ///< who the journal records; empty = investigator.display()
    bool rehashArchives = false; ///< also re-read archive files still on disk when verifying
};

struct ReportProgress
{
    QString phase; ///< "Reading the case", "Laying out", "Writing pages", ...
    int64_t done = 0;
    int64_t total = 0;
};
/// Return false to cancel.
using ReportProgressSink = std::function<bool(const ReportProgress &)>;

struct ReportResult
{
    QString pdfPath, sha256Path, manifestPath;
    QByteArray sha256; ///< lowercase hex of the PDF
    int64_t bytes = 0;
    int pages = 0;
    int64_t evidence = 0;
    int64_t journalSeq = 0; ///< the report.exported entry
    int64_t journalEntriesAtExport = 0;
    QByteArray journalHeadAtExport; ///< what the report prints
    bool journalIntact = false;
    double seconds = 0; ///< wall time of the whole export
};

/// The timeline figure of a case's evidence (stacked bars per institution per hour/day/week in the
/// histogram's zone) drawn with QCustomPlot into a QPicture, so it stays vector graphics when
/// replayed into the PDF. `size` is in the picture's 96 dpi pixels: the report scales the figure to
/// its 174 mm body width, so 660 px keeps the figure's 8 pt labels at about 8 pt on paper (its
/// aspect ratio is kept). GUI thread only: QCustomPlot is a QWidget.
QPicture renderTimelineFigure(const EvidenceHistogram &histogram, const QSize &size = QSize(660, 290));

/// Reads the histogram (read-only connection) and renders the figure. GUI thread only; cheap.
Result<QPicture> prepareTimelineFigure(const QString &workspacePath, const QString &caseRef, const QTimeZone &zone);

/// Writes the case report as PDF/A-1b (A4; header and "Page n of m" on every page): title page,
/// summary, timeline figure, notes, the evidence table (every live item, paginated with repeated
/// column headers, landscape), provenance of every source archive and the journal state. Then
/// FILE.pdf.sha256 (sha256sum format) and FILE.manifest.json, then journals the export
/// ("report.exported", with the PDF's SHA-256) in the workspace. The PDF is written atomically; a
/// cancel or failure leaves no files and no journal entry.
///
/// Pages are painted one at a time (two passes: the first measures every row to know the page
/// count), so memory does not grow with the number of pages. Runs on any thread with its own
/// connection; `figure` must then come from prepareTimelineFigure() on the GUI thread. When
/// `figure` is null and the caller is the GUI thread, the figure is prepared here.
Result<ReportResult> writeCaseReport(const ReportRequest &request, const QPicture *figure = nullptr,
                                     const ReportProgressSink &progress = {});

/// Font families the report uses, in fallback order: DejaVu Sans (Latin, Cyrillic, Greek, Hebrew,
/// Arabic), Droid Sans Fallback (Han, kana), Noto Sans CJK KR (Hangul), FreeSans (Devanagari),
/// FreeSerif (Thai). Noto Sans CJK is deliberately not the Han font: Qt's PDF engine builds the
/// ToUnicode map from the font's cmap, and Noto CJK shares glyphs between ideographs and Kangxi
/// radicals (田 came out of pdftotext as ⽥) and loses digits; Droid Sans Fallback does not.
/// Missing families are reported by missingReportFonts().
QStringList reportFontFamilies();
QStringList missingReportFonts();

} // namespace casebook

Q_DECLARE_METATYPE(casebook::ReportResult)
