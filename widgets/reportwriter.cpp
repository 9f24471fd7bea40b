// SPDX-License-Identifier: GPL-3.0-or-later
#include "reportwriter.h"

#include "qcustomplotwrapper.h"

#include "casestore.h"
#include "money.h"
#include "recordhash.h"
#include "sha256.h"
#include "timestamp.h"
#include "verifier.h"
#include "workspace.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextLayout>
#include <QThread>

#include <vector>

Q_LOGGING_CATEGORY(lcReport, "casebook.widgets.report", QtInfoMsg)

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("ReportWriter", s); }

const QColor kInk(0, 0, 0);
const QColor kGrey(85, 85, 85);
const QColor kRule(160, 160, 160);
const QColor kHeaderFill(228, 228, 228);
const QColor kAlert(170, 0, 0);
const QColor kAlertFill(253, 236, 234);

/// Opaque colours only: PDF/A-1 forbids transparency.
const QColor kPalette[] = { QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                            QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127),
                            QColor(188, 189, 34), QColor(23, 190, 207) };

QStringList monoFamilies() { return { QStringLiteral("DejaVu Sans Mono"), QStringLiteral("Droid Sans Fallback") }; }

QFont makeFont(const QStringList &families, qreal pt, bool bold = false)
{
    QFont f;
    f.setFamilies(families);
    f.setPointSizeF(pt);
    f.setBold(bold);
    f.setStyleHint(QFont::SansSerif);
    // Glyph positions must not depend on the screen's hinting: the PDF is resolution independent.
    f.setHintingPreference(QFont::PreferNoHinting);
    f.setKerning(false);
    return f;
}

QString statusText(const QString &s)
{
    if (s == u"under_review")
        return QStringLiteral("under review");
    return s;
}

QString outcomeText(const QString &s)
{
    if (s == u"no_finding")
        return QStringLiteral("no finding");
    return s;
}

QString zoneLabel(const QTimeZone &zone)
{
    if (!zone.isValid())
        return tr("each record's own UTC offset");
    return QString::fromUtf8(zone.id());
}

/// "2026-01-05 09:31:02.125 +08:00" (the ISO text with a space, and +00:00 rather than Z).
QString readableTime(int64_t utcMs, const QTimeZone &zone, int sourceOffset)
{
    QString s = formatInZone(utcMs, zone, sourceOffset);
    s.replace(10, 1, u' ');
    if (s.endsWith(u'Z')) {
        s.chop(1);
        s += QStringLiteral(" +00:00");
    } else {
        s.insert(s.size() - 6, u' ');
    }
    return s;
}

QString manifestPathFor(const QString &pdf)
{
    QString base = pdf;
    if (base.endsWith(u".pdf", Qt::CaseInsensitive))
        base.chop(4);
    return base + QStringLiteral(".manifest.json");
}

Result<QByteArray> hashFile(const QString &path, int64_t &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(Error::Code::Io, tr("Cannot read back %1").arg(path), f.errorString());
    Sha256 h;
    QByteArray buf(1 << 20, Qt::Uninitialized);
    bytes = 0;
    for (qint64 n; (n = f.read(buf.data(), buf.size())) > 0;) {
        h.add(QByteArrayView(buf.constData(), n));
        bytes += n;
    }
    return h.hexResult();
}

Status writeSmallFile(const QString &path, const QByteArray &data)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit())
        return Error(Error::Code::Io, tr("Cannot write %1").arg(path), f.errorString());
    return ok();
}

struct SectionPages
{
    int summary = 0, figure = 0, notes = 0, evidence = 0, evidenceLast = 0, provenance = 0, journal = 0;
};

/// Lays out and paints the report. Run twice: pass Measure (no painter) counts pages and records
/// row heights and section pages; pass Paint draws, with "Page n of m" known.
class ReportPainter
{
public:
    enum class Pass { Measure, Paint };

    struct Input
    {
        const SqliteDb *db = nullptr;
        const CaseReportData *data = nullptr;
        const VerifyReport *verify = nullptr;
        const QPicture *figure = nullptr;
        QString figureUnit;
        QTimeZone zone;
        Investigator investigator;
        QDateTime generatedUtc;
        QString outputName;
    };

    ReportPainter(QPdfWriter *writer, const Input &in, const ReportProgressSink &progress)
        : m_w(writer)
        , m_in(in)
        , m_progress(progress)
        , m_dpi(writer->resolution())
    {
        const QStringList fam = reportFontFamilies();
        m_body = makeFont(fam, 9.5);
        m_bodyBold = makeFont(fam, 9.5, true);
        m_small = makeFont(fam, 8);
        m_smallBold = makeFont(fam, 8, true);
        m_header = makeFont(fam, 7);
        m_h1 = makeFont(fam, 15, true);
        m_title = makeFont(fam, 24, true);
        m_subtitle = makeFont(fam, 15);
        m_cell = makeFont(fam, 7.5);
        m_cellBold = makeFont(fam, 7.5, true);
        m_hashLabel = makeFont(fam, 6.5);
        m_mono = makeFont(monoFamilies(), 8);
        m_hashMono = makeFont(monoFamilies(), 6.5);
        m_cellPitch = QFontMetricsF(m_cell, m_w).lineSpacing();
        m_hashLabelText = tr("sha256 ");
        m_hashLabelWidth = QFontMetricsF(m_hashLabel, m_w).horizontalAdvance(m_hashLabelText);
        m_hashLabelDy = QFontMetricsF(m_hashMono, m_w).ascent() - QFontMetricsF(m_hashLabel, m_w).ascent();
    }

    /// Runs one pass. Returns false when cancelled or the evidence could not be read (see error()).
    bool run(Pass pass, QPainter *painter)
    {
        m_pass = pass;
        m_p = painter;
        m_painterFont = nullptr;
        m_page = 0;
        m_rowIndex = 0;
        titlePage();
        summary();
        notes();
        if (!evidence())
            return false;
        provenance();
        journalSection();
        if (m_pass == Pass::Measure)
            m_totalPages = m_page;
        return true;
    }

    int totalPages() const { return m_totalPages; }
    const Error &error() const { return m_error; }
    int64_t evidenceRows() const { return int64_t(m_rowHeights.size()); }

private:
    // ---- units and page geometry (device pixels of the writer) ----
    qreal mm(qreal v) const { return v * m_dpi / 25.4; }
    qreal pt(qreal v) const { return v * m_dpi / 72.0; }
    bool painting() const { return m_pass == Pass::Paint; }

    static QPageLayout layoutFor(QPageLayout::Orientation o)
    {
        return QPageLayout(QPageSize(QPageSize::A4), o, QMarginsF(0, 0, 0, 0));
    }
    QRectF fullRect(QPageLayout::Orientation o) const { return layoutFor(o).fullRectPixels(m_dpi); }

    /// Starts a new page. In the paint pass the writer advances and gets the page's header/footer.
    void newPage(QPageLayout::Orientation o)
    {
        const QRectF full = fullRect(o);
        const qreal side = o == QPageLayout::Portrait ? mm(18) : mm(12);
        m_bodyRect = QRectF(QPointF(full.left() + side, full.top() + mm(17)), QPointF(full.right() - side, full.bottom() - mm(15)));
        m_y = m_bodyRect.top();
        m_orientation = o;
        ++m_page;
        if (!painting())
            return;
        if (m_page > 1) {
            m_w->setPageLayout(layoutFor(o));
            m_w->newPage();
        }
        decorate(full, side);
    }

    void decorate(const QRectF &full, qreal side)
    {
        const QFontMetricsF fm(m_header, m_w);
        m_p->setFont(m_header);
        m_painterFont = &m_header;
        m_p->setPen(kGrey);
        const qreal left = full.left() + side, right = full.right() - side;
        const qreal top = full.top() + mm(10);
        const CaseSummary &c = m_in.data->caseInfo;
        const QString leftText = tr("Casebook case report %1").arg(c.ref);
        const QString rightText = tr("generated %1").arg(m_in.generatedUtc.toString(Qt::ISODate));
        m_p->drawText(QPointF(left, top), leftText);
        m_p->drawText(QPointF(right - fm.horizontalAdvance(rightText), top), rightText);
        const qreal titleLeft = left + fm.horizontalAdvance(leftText) + mm(6);
        const qreal titleRight = right - fm.horizontalAdvance(rightText) - mm(6);
        m_p->drawText(QPointF(titleLeft, top), fm.elidedText(c.title, Qt::ElideRight, titleRight - titleLeft));
        m_p->setPen(QPen(kRule, pt(0.5)));
        m_p->drawLine(QPointF(left, top + mm(2)), QPointF(right, top + mm(2)));
        const qreal bottom = full.bottom() - mm(8);
        m_p->drawLine(QPointF(left, bottom - mm(4)), QPointF(right, bottom - mm(4)));
        m_p->setPen(kGrey);
        const QString pageText = tr("Page %1 of %2").arg(m_page).arg(m_totalPages);
        m_p->drawText(QPointF(right - fm.horizontalAdvance(pageText), bottom), pageText);
        m_p->drawText(QPointF(left, bottom), tr("%1 · Casebook %2 · verify with the SHA-256 in %3.sha256")
                                                .arg(c.ref, QStringLiteral(CASEBOOK_VERSION), m_in.outputName));
    }

    bool fits(qreal h) const { return m_y + h <= m_bodyRect.bottom(); }
    void ensure(qreal h)
    {
        if (!fits(h) && m_y > m_bodyRect.top())
            newPage(m_orientation);
    }

    // ---- text ----
    /// Lays out `text` in `width` (wrapping at word boundaries, or anywhere in a long token) with
    /// a fixed line pitch; paints it at (x, y) in the paint pass. Returns the number of lines; at
    /// most `maxLines` (0 = unlimited) are laid out, `truncated` tells whether text was left out.
    /// `oneLine`: the caller knows the text fits on one line (from the measuring pass), so a
    /// left-aligned text is drawn without being measured first (shaping is the cost of a report).
    int textLines(const QString &text, const QFont &font, qreal x, qreal y, qreal width, const QColor &color,
                  Qt::Alignment align = Qt::AlignLeft, int maxLines = 0, bool *truncated = nullptr, bool oneLine = false)
    {
        if (truncated)
            *truncated = false;
        m_lastWrapped = false;
        if (text.isEmpty())
            return 0;
        const QFontMetricsF &fm = metrics(font);
        if (oneLine && !(align & Qt::AlignRight)) {
            if (painting())
                drawLine(text, font, color, QPointF(x, y + fm.ascent()));
            return 1;
        }
        const bool multiline = text.contains(u'\n');
        if (!multiline) {
            const qreal adv = fm.horizontalAdvance(text);
            if (adv <= width) {
                if (painting())
                    drawLine(text, font, color, QPointF(x + ((align & Qt::AlignRight) ? width - adv : 0), y + fm.ascent()));
                return 1;
            }
        }
        m_lastWrapped = true;
        QString t = text;
        t.remove(u'\r');
        t.replace(u'\n', QChar::LineSeparator);
        QTextLayout layout(t, font, m_w);
        QTextOption opt(align);
        opt.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        layout.setTextOption(opt);
        layout.setCacheEnabled(true);
        const qreal pitch = fm.lineSpacing();
        int n = 0;
        layout.beginLayout();
        for (;;) {
            QTextLine line = layout.createLine();
            if (!line.isValid())
                break;
            line.setLineWidth(width);
            line.setPosition(QPointF(0, n * pitch + fm.ascent() - line.ascent()));
            ++n;
            if (maxLines > 0 && n >= maxLines) {
                if (truncated)
                    *truncated = line.textStart() + line.textLength() < t.size();
                break;
            }
        }
        layout.endLayout();
        if (painting()) {
            m_p->setPen(color);
            layout.draw(m_p, QPointF(x, y));
            m_painterFont = nullptr; // the layout may leave its own font set
        }
        return n;
    }

    /// One line of text; painter state is only changed when it differs.
    void drawLine(const QString &text, const QFont &font, const QColor &color, const QPointF &baseline)
    {
        if (m_painterFont != &font) {
            m_p->setFont(font);
            m_painterFont = &font;
        }
        const QPen &pen = m_p->pen();
        if (pen.style() != Qt::SolidLine || pen.color() != color)
            m_p->setPen(color);
        m_p->drawText(baseline, text);
    }

    const QFontMetricsF &metrics(const QFont &font)
    {
        auto it = m_metrics.find(&font);
        if (it == m_metrics.end())
            it = m_metrics.insert(&font, QFontMetricsF(font, m_w));
        return *it;
    }

    qreal pitch(const QFont &f) const { return QFontMetricsF(f, m_w).lineSpacing(); }

    /// A paragraph across the body width at the current position (moved to a new page if it does
    /// not fit), then advances.
    void paragraph(const QString &text, const QFont &font, const QColor &color = kInk, qreal spaceAfter = -1)
    {
        const qreal w = m_bodyRect.width();
        const bool was = m_pass == Pass::Paint;
        // Measure first (without painting), then paint where it fits.
        m_pass = Pass::Measure;
        const int lines = textLines(text, font, 0, 0, w, color);
        m_pass = was ? Pass::Paint : Pass::Measure;
        const qreal h = lines * pitch(font);
        ensure(h);
        textLines(text, font, m_bodyRect.left(), m_y, w, color);
        m_y += h + (spaceAfter < 0 ? mm(2) : spaceAfter);
    }

    void heading(const QString &text)
    {
        ensure(pitch(m_h1) * 3);
        textLines(text, m_h1, m_bodyRect.left(), m_y, m_bodyRect.width(), kInk);
        m_y += pitch(m_h1) + mm(3);
    }

    /// Label/value rows (title page, provenance). Values wrap; the row moves to a new page whole.
    void keyValue(const QString &label, const QString &value, qreal labelWidth, const QFont &valueFont, const QColor &valueColor = kInk)
    {
        const qreal vw = m_bodyRect.width() - labelWidth;
        const bool was = painting();
        m_pass = Pass::Measure;
        const int lines = std::max(1, textLines(value, valueFont, 0, 0, vw, valueColor));
        m_pass = was ? Pass::Paint : Pass::Measure;
        const qreal h = std::max(lines * pitch(valueFont), pitch(m_smallBold));
        ensure(h);
        textLines(label, m_smallBold, m_bodyRect.left(), m_y + (pitch(valueFont) - pitch(m_smallBold)) / 2, labelWidth - mm(2), kGrey);
        textLines(value, valueFont, m_bodyRect.left() + labelWidth, m_y, vw, valueColor);
        m_y += h + mm(1.2);
    }

    /// A boxed warning across the body width.
    void alertBox(const QString &text)
    {
        const qreal pad = mm(2.5);
        const qreal w = m_bodyRect.width() - 2 * pad;
        const bool was = painting();
        m_pass = Pass::Measure;
        const int lines = textLines(text, m_bodyBold, 0, 0, w, kAlert);
        m_pass = was ? Pass::Paint : Pass::Measure;
        const qreal h = lines * pitch(m_bodyBold) + 2 * pad;
        ensure(h);
        if (painting()) {
            m_p->setPen(QPen(kAlert, pt(1.2)));
            m_p->setBrush(kAlertFill);
            m_p->drawRect(QRectF(m_bodyRect.left(), m_y, m_bodyRect.width(), h));
            m_p->setBrush(Qt::NoBrush);
        }
        textLines(text, m_bodyBold, m_bodyRect.left() + pad, m_y + pad, w, kAlert);
        m_y += h + mm(3);
    }

    /// A small table with a header row (repeated after a page break).
    struct Column
    {
        QString title;
        qreal widthMm;
        Qt::Alignment align = Qt::AlignLeft;
        bool mono = false;
    };
    void table(const QVector<Column> &cols, const QVector<QStringList> &rows)
    {
        const qreal pad = mm(1.2);
        const auto headerRow = [&] {
            const qreal h = pitch(m_smallBold) + 2 * pad;
            if (painting()) {
                m_p->setPen(Qt::NoPen);
                m_p->setBrush(kHeaderFill);
                m_p->drawRect(QRectF(m_bodyRect.left(), m_y, colsWidth(cols), h));
                m_p->setBrush(Qt::NoBrush);
            }
            qreal x = m_bodyRect.left();
            for (const Column &c : cols) {
                textLines(c.title, m_smallBold, x + pad, m_y + pad, mm(c.widthMm) - 2 * pad, kInk, c.align);
                x += mm(c.widthMm);
            }
            m_y += h;
        };
        ensure(pitch(m_smallBold) * 3 + 4 * pad);
        headerRow();
        for (const QStringList &r : rows) {
            const bool was = painting();
            m_pass = Pass::Measure;
            int lines = 1;
            for (int i = 0; i < cols.size(); ++i)
                lines = std::max(lines, textLines(r.value(i), cols[i].mono ? m_mono : m_small, 0, 0, mm(cols[i].widthMm) - 2 * pad, kInk));
            m_pass = was ? Pass::Paint : Pass::Measure;
            const qreal h = lines * pitch(m_small) + 2 * pad;
            if (!fits(h)) {
                newPage(m_orientation);
                headerRow();
            }
            qreal x = m_bodyRect.left();
            for (int i = 0; i < cols.size(); ++i) {
                textLines(r.value(i), cols[i].mono ? m_mono : m_small, x + pad, m_y + pad, mm(cols[i].widthMm) - 2 * pad, kInk, cols[i].align);
                x += mm(cols[i].widthMm);
            }
            m_y += h;
            if (painting()) {
                m_p->setPen(QPen(kRule, pt(0.3)));
                m_p->drawLine(QPointF(m_bodyRect.left(), m_y), QPointF(m_bodyRect.left() + colsWidth(cols), m_y));
            }
        }
        m_y += mm(4);
    }
    qreal colsWidth(const QVector<Column> &cols) const
    {
        qreal w = 0;
        for (const Column &c : cols)
            w += mm(c.widthMm);
        return w;
    }

    // ---- sections ----
    QString when(int64_t utcMs) const { return readableTime(utcMs, m_in.zone, 0); }

    void titlePage()
    {
        const CaseReportData &d = *m_in.data;
        const CaseSummary &c = d.caseInfo;
        newPage(QPageLayout::Portrait);
        m_y += mm(8);
        paragraph(tr("CASE REPORT"), m_bodyBold, kGrey, mm(3));
        paragraph(c.ref, m_title, kInk, mm(2));
        paragraph(c.title, m_subtitle, kInk, mm(4));
        if (!c.description.isEmpty())
            paragraph(c.description, m_body, kInk, mm(6));
        else
            m_y += mm(4);

        if (int n = d.unsignedSources(); n > 0) {
            QStringList which;
            for (const ReportSource &s : d.sources)
                if (s.isUnsigned())
                    which << QStringLiteral("%1 %2 (%3)").arg(s.tenant, s.exportId, s.present() ? s.stateDetail : tr("archive no longer in the workspace"));
            alertBox(tr("UNSIGNED SOURCES: %1 of %2 source archives are not verified by a trusted producer signature, so "
                        "their content cannot be shown to be what the institution exported: %3. See Provenance.")
                         .arg(n)
                         .arg(d.sources.size())
                         .arg(which.join(QStringLiteral("; "))));
        }
        if (!m_in.verify->intact)
            alertBox(tr("JOURNAL BROKEN at export: %1").arg(m_in.verify->failure));

        const qreal lw = mm(46);
        keyValue(tr("Status"), statusText(c.status), lw, m_body);
        keyValue(tr("Outcome"), c.outcome.isEmpty() ? tr("(none yet)") : outcomeText(c.outcome), lw, m_body);
        QStringList inst;
        for (const ReportInstitution &i : d.institutions)
            inst << (i.name.isEmpty() ? i.id : i.id + u' ' + i.name);
        keyValue(tr("Institutions concerned"), inst.isEmpty() ? tr("(no evidence)") : inst.join(u'\n'), lw, m_body);
        keyValue(tr("Evidence"), tr("%1 items (%2 events, %3 transactions) from %4 source archives")
                                     .arg(d.evidence)
                                     .arg(d.events)
                                     .arg(d.transactions)
                                     .arg(d.sources.size()),
                 lw, m_body);
        keyValue(tr("Notes"), QString::number(d.notes.size()), lw, m_body);
        if (!c.tags.isEmpty())
            keyValue(tr("Tags"), c.tags.join(QStringLiteral(", ")), lw, m_body);
        keyValue(tr("Case owner"), c.owner, lw, m_body);
        keyValue(tr("Case opened / updated"), c.createdAt + QStringLiteral(" / ") + c.updatedAt, lw, m_body);
        m_y += mm(3);
        keyValue(tr("Investigator"), m_in.investigator.isSet() ? m_in.investigator.name.trimmed() : m_in.investigator.display(), lw, m_body);
        keyValue(tr("Organisation"), m_in.investigator.organisation.trimmed().isEmpty() ? tr("(not set)") : m_in.investigator.organisation.trimmed(), lw, m_body);
        keyValue(tr("Generated (UTC)"), readableTime(m_in.generatedUtc.toMSecsSinceEpoch(), QTimeZone::utc(), 0), lw, m_body);
        if (m_in.zone.isValid())
            keyValue(tr("Generated (%1)").arg(zoneLabel(m_in.zone)), when(m_in.generatedUtc.toMSecsSinceEpoch()), lw, m_body);
        keyValue(tr("Times shown in"), zoneLabel(m_in.zone), lw, m_body);
        keyValue(tr("Produced by"), tr("Casebook %1").arg(QStringLiteral(CASEBOOK_VERSION)), lw, m_body);
        keyValue(tr("Journal at export"),
                 (m_in.verify->intact ? tr("intact") : tr("BROKEN")) + tr(", %1 entries, head").arg(m_in.verify->entries),
                 lw, m_body, m_in.verify->intact ? kInk : kAlert);
        keyValue(QString(), QString::fromLatin1(m_in.verify->head), lw, m_mono);
        m_y += mm(5);

        // Contents (page numbers from the measuring pass).
        paragraph(tr("Contents"), m_bodyBold, kInk, mm(1.5));
        const auto entry = [&](const QString &name, const QString &pages) { keyValue(name, pages, lw, m_body); };
        entry(tr("Summary"), QString::number(m_sections.summary));
        entry(tr("Timeline"), QString::number(m_sections.figure));
        entry(tr("Notes"), QString::number(m_sections.notes));
        entry(tr("Evidence"), m_sections.evidenceLast > m_sections.evidence
                                  ? QStringLiteral("%1–%2").arg(m_sections.evidence).arg(m_sections.evidenceLast)
                                  : QString::number(m_sections.evidence));
        entry(tr("Provenance"), QString::number(m_sections.provenance));
        entry(tr("Journal"), QString::number(m_sections.journal));
    }

    void summary()
    {
        const CaseReportData &d = *m_in.data;
        newPage(QPageLayout::Portrait);
        setSection(m_sections.summary);
        heading(tr("Summary"));
        if (d.evidence > 0) {
            paragraph(tr("Time span of the evidence: %1 to %2 (%3).")
                          .arg(when(d.firstUtcMs), when(d.lastUtcMs), zoneLabel(m_in.zone.isValid() ? m_in.zone : QTimeZone::utc())),
                      m_body);
        } else {
            paragraph(tr("The case has no evidence."), m_body);
        }
        QVector<QStringList> rows;
        for (const ReportInstitution &i : d.institutions)
            rows.push_back({ i.id, i.name, QString::number(i.events), QString::number(i.transactions), QString::number(i.events + i.transactions) });
        rows.push_back({ tr("All"), QString(), QString::number(d.events), QString::number(d.transactions), QString::number(d.evidence) });
        table({ { tr("Institution"), 24 }, { tr("Name"), 70 }, { tr("Events"), 25, Qt::AlignRight }, { tr("Transactions"), 28, Qt::AlignRight },
                { tr("Items"), 27, Qt::AlignRight } },
              rows);

        if (!d.totalsE4.isEmpty()) {
            paragraph(tr("Totals of the evidence transactions per currency (exact)"), m_bodyBold, kInk, mm(1.5));
            QVector<QStringList> totals;
            for (auto it = d.totalsE4.cbegin(); it != d.totalsE4.cend(); ++it)
                totals.push_back({ it.key(), QString::number(d.countsByCurrency.value(it.key())), money::format(it.value(), it.key().toLatin1()) });
            table({ { tr("Currency"), 30 }, { tr("Transactions"), 40, Qt::AlignRight }, { tr("Total"), 60, Qt::AlignRight } }, totals);
        }
        if (!d.queries.isEmpty()) {
            paragraph(tr("Searches that found evidence"), m_bodyBold, kInk, mm(1.5));
            QVector<QStringList> q;
            for (const ReportQuery &r : d.queries)
                q.push_back({ r.query, QString::number(r.items) });
            table({ { tr("Query"), 144 }, { tr("Items"), 30, Qt::AlignRight } }, q);
        }

        // The figure: full body width, kept whole.
        const qreal w = m_bodyRect.width();
        const QRect pr = m_in.figure ? m_in.figure->boundingRect() : QRect();
        const qreal h = pr.isEmpty() ? mm(20) : w * pr.height() / pr.width();
        ensure(pitch(m_h1) + mm(3) + pitch(m_small) + h);
        setSection(m_sections.figure);
        heading(tr("Timeline"));
        paragraph(tr("Evidence items per %1 and institution (%2).").arg(m_in.figureUnit, zoneLabel(m_in.zone.isValid() ? m_in.zone : QTimeZone::utc())),
                  m_small, kGrey);
        if (painting() && m_in.figure && !pr.isEmpty()) {
            m_p->save();
            m_p->translate(m_bodyRect.left(), m_y);
            // QPicture::play() scales by the device's DPI over the picture's (96) itself.
            const qreal dpiX = qreal(m_in.figure->logicalDpiX()) / m_w->logicalDpiX();
            const qreal dpiY = qreal(m_in.figure->logicalDpiY()) / m_w->logicalDpiY();
            m_p->scale(dpiX * w / pr.width(), dpiY * h / pr.height());
            m_p->translate(-pr.topLeft());
            m_p->drawPicture(0, 0, *m_in.figure);
            m_p->restore();
        }
        m_y += h + mm(4);
    }

    void notes()
    {
        const CaseReportData &d = *m_in.data;
        newPage(QPageLayout::Portrait);
        setSection(m_sections.notes);
        // Notes are short: one QTextDocument paginated to the body height renders their Markdown.
        QTextDocument doc;
        doc.documentLayout()->setPaintDevice(m_w);
        doc.setDefaultFont(m_body);
        doc.setDocumentMargin(0);
        // A note is text, never a reason to read files or the network: resources resolve to nothing.
        doc.setResourceProvider([](const QUrl &) { return QVariant(); });
        doc.setPageSize(QSizeF(m_bodyRect.width(), m_bodyRect.height()));
        QTextCursor cur(&doc);
        QTextCharFormat h1;
        h1.setFont(m_h1);
        cur.insertText(tr("Notes"), h1);
        QTextCharFormat meta;
        meta.setFont(m_smallBold);
        meta.setForeground(kGrey);
        QTextBlockFormat metaBlock;
        // Block margins are in 96 dpi pixels: the layout scales them to the device.
        metaBlock.setTopMargin(14);
        metaBlock.setBottomMargin(3);
        if (d.notes.isEmpty()) {
            cur.insertBlock(metaBlock);
            cur.insertText(tr("The case has no notes."), meta);
        }
        int n = 0;
        for (const NoteRevision &note : d.notes) {
            cur.insertBlock(metaBlock, meta);
            cur.insertText(tr("Note %1 (revision %2) · %3 · %4").arg(++n).arg(note.revision).arg(note.author, note.createdAt), meta);
            cur.insertBlock(QTextBlockFormat(), QTextCharFormat());
            cur.insertMarkdown(note.text, QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub | QTextDocument::MarkdownNoHTML));
        }
        const int pages = std::max(1, doc.pageCount());
        for (int i = 0; i < pages; ++i) {
            if (i > 0)
                newPage(QPageLayout::Portrait);
            if (painting()) {
                m_p->save();
                m_p->translate(m_bodyRect.left(), m_bodyRect.top() - i * m_bodyRect.height());
                doc.drawContents(m_p, QRectF(0, i * m_bodyRect.height(), m_bodyRect.width(), m_bodyRect.height()));
                m_p->restore();
            }
        }
    }

    // Evidence table geometry (landscape, 273 mm between the margins).
    struct TableCol
    {
        const char *title;
        qreal widthMm;
    };
    static constexpr int kCols = 8;
    static constexpr TableCol kTable[kCols] = { { QT_TRANSLATE_NOOP("ReportWriter", "Item"), 11 },
                                                { QT_TRANSLATE_NOOP("ReportWriter", "Institution"), 20 },
                                                { QT_TRANSLATE_NOOP("ReportWriter", "Kind"), 18 },
                                                { QT_TRANSLATE_NOOP("ReportWriter", "Record ID"), 38 },
                                                { QT_TRANSLATE_NOOP("ReportWriter", "Time"), 33 },
                                                { QT_TRANSLATE_NOOP("ReportWriter", "Actor or parties / action or reference"), 64 },
                                                { QT_TRANSLATE_NOOP("ReportWriter", "Amount"), 30 },
                                                { QT_TRANSLATE_NOOP("ReportWriter", "Comment"), 59 } };
    static constexpr int kWhoCol = 5;
    static constexpr int kMaxCellLines = 24;

    qreal colX(int c) const
    {
        qreal x = m_bodyRect.left();
        for (int i = 0; i < c; ++i)
            x += mm(kTable[i].widthMm);
        return x;
    }

    void tableHeader()
    {
        const qreal pad = mm(1);
        const qreal h = pitch(m_cellBold) + 2 * pad;
        if (painting()) {
            m_p->setPen(Qt::NoPen);
            m_p->setBrush(kHeaderFill);
            m_p->drawRect(QRectF(m_bodyRect.left(), m_y, m_bodyRect.width(), h));
            m_p->setBrush(Qt::NoBrush);
        }
        for (int c = 0; c < kCols; ++c)
            textLines(tr(kTable[c].title), m_cellBold, colX(c) + pad, m_y + pad, mm(kTable[c].widthMm) - 2 * pad, kInk,
                      c == 6 ? Qt::AlignRight : Qt::AlignLeft, 1);
        m_y += h;
    }

    /// One evidence row: laid out (and painted at m_y in the paint pass); returns its height.
    /// One evidence row: laid out (and painted at m_y in the paint pass); returns its height.
    /// `wrapMask` has a bit per cell that needed wrapping: written by the measuring pass, read by
    /// the paint pass so that cells known to fit one line are drawn without being measured again.
    qreal evidenceRow(const EvidenceItem &e, int64_t number, uint16_t &wrapMask)
    {
        const qreal pad = mm(1);
        const qreal y = m_y + pad;
        const auto cellW = [&](int c) { return mm(kTable[c].widthMm) - 2 * pad; };
        const bool measuring = !painting();
        if (measuring)
            wrapMask = 0;
        int bit = 0;
        // A cell that may wrap: measured in the measuring pass, drawn directly when it fitted.
        const auto cell = [&](const QString &text, const QFont &font, qreal x, qreal cy, qreal w, const QColor &color,
                              Qt::Alignment align, int maxLines, bool *truncated = nullptr) {
            const uint16_t mask = uint16_t(1u << bit++);
            const int n = textLines(text, font, x, cy, w, color, align, maxLines, truncated, !measuring && !(wrapMask & mask));
            if (measuring && m_lastWrapped)
                wrapMask |= mask;
            return n;
        };
        int left = 0, right = 0;
        // Item number, kind and hash are fixed-width texts that always fit their columns.
        textLines(QString::number(number), m_cell, colX(0) + pad, y, cellW(0), kInk, Qt::AlignLeft, 0, nullptr, true);
        left = std::max(left, cell(e.tenant, m_cell, colX(1) + pad, y, cellW(1), kInk, Qt::AlignLeft, kMaxCellLines));
        textLines(recordKindName(e.kind), m_cell, colX(2) + pad, y, cellW(2), kInk, Qt::AlignLeft, 0, nullptr, true);
        left = std::max(left, cell(e.recordKey, m_cell, colX(3) + pad, y, cellW(3), kInk, Qt::AlignLeft, kMaxCellLines));
        const QString t = readableTime(e.utcMs, m_in.zone, e.offsetSeconds);
        int time = cell(t.left(10), m_cell, colX(4) + pad, y, cellW(4), kInk, Qt::AlignLeft, 2);
        time += cell(t.mid(11), m_cell, colX(4) + pad, y + time * m_cellPitch, cellW(4), kInk, Qt::AlignLeft, 2);
        left = std::max(left, time);

        bool cut = false;
        int who = cell(e.who, m_cell, colX(kWhoCol) + pad, y, cellW(kWhoCol), kInk, Qt::AlignLeft, kMaxCellLines / 2);
        who += cell(e.what, m_cell, colX(kWhoCol) + pad, y + who * m_cellPitch, cellW(kWhoCol), kGrey, Qt::AlignLeft, kMaxCellLines / 2);
        right = std::max(right, who);
        if (!e.currency.isEmpty())
            right = std::max(right, cell(money::format(e.amountE4, e.currency.toLatin1()) + u' ' + e.currency, m_cell, colX(6) + pad, y,
                                         cellW(6), kInk, Qt::AlignRight, 4));
        else
            ++bit;
        int comment = cell(e.comment, m_cell, colX(7) + pad, y, cellW(7), kInk, Qt::AlignLeft, kMaxCellLines, &cut);
        if (cut)
            comment += textLines(tr("[continues: full text in the CSV export]"), m_cell, colX(7) + pad, y + comment * m_cellPitch, cellW(7), kGrey);
        right = std::max(right, comment);

        // The content hash under the right-hand columns, on one line so it can be copied whole.
        const qreal hashY = y + right * m_cellPitch;
        textLines(m_hashLabelText, m_hashLabel, colX(kWhoCol) + pad, hashY + m_hashLabelDy, m_hashLabelWidth, kGrey, Qt::AlignLeft, 0, nullptr, true);
        textLines(e.contentSha256, m_hashMono, colX(kWhoCol) + pad + m_hashLabelWidth, hashY, mm(150), kInk, Qt::AlignLeft, 0, nullptr, true);
        const qreal h = std::max(left * m_cellPitch, right * m_cellPitch + pitch(m_hashMono)) + 2 * pad;
        if (painting()) {
            m_p->setPen(QPen(kRule, pt(0.3)));
            m_p->drawLine(QPointF(m_bodyRect.left(), m_y + h), QPointF(m_bodyRect.right(), m_y + h));
        }
        return h;
    }

    bool evidence()
    {
        const CaseReportData &d = *m_in.data;
        newPage(QPageLayout::Landscape);
        setSection(m_sections.evidence);
        heading(tr("Evidence (%1 items)").arg(d.evidence));
        paragraph(tr("Every evidence item of the case, oldest first. Times in %1. The content SHA-256 is the hash of the record's "
                     "canonical content when it was added to the case; the journal section states whether every hash still "
                     "matched at export.")
                      .arg(zoneLabel(m_in.zone)),
                  m_small, kGrey);
        tableHeader();
        if (m_pass == Pass::Measure) {
            m_rowHeights.clear();
            m_rowWraps.clear();
        }
        int64_t i = 0;
        bool cancelled = false;
        auto st = forEachEvidence(*m_in.db, d.caseInfo.id, [&](const EvidenceItem &e) {
            qreal h;
            uint16_t mask = 0;
            if (m_pass == Pass::Measure) {
                h = evidenceRow(e, i + 1, mask);
                m_rowHeights.push_back(h);
                m_rowWraps.push_back(mask);
            } else {
                h = i < int64_t(m_rowHeights.size()) ? m_rowHeights[size_t(i)] : 0;
                mask = i < int64_t(m_rowWraps.size()) ? m_rowWraps[size_t(i)] : 0xffff;
            }
            if (!fits(h)) {
                newPage(QPageLayout::Landscape);
                tableHeader();
            }
            if (painting())
                evidenceRow(e, i + 1, mask);
            m_y += h;
            ++i;
            if (i % 250 == 0 && m_progress
                && !m_progress({ painting() ? tr("Writing pages") : tr("Laying out"), (painting() ? d.evidence : 0) + i, 2 * d.evidence })) {
                cancelled = true;
                return false;
            }
            return true;
        });
        if (!st) {
            m_error = st.error();
            return false;
        }
        if (cancelled) {
            m_error = Error(Error::Code::Cancelled, tr("Export cancelled"));
            return false;
        }
        if (painting() && i != int64_t(m_rowHeights.size())) {
            m_error = Error(Error::Code::Io, tr("The evidence changed while the report was written; export again"));
            return false;
        }
        if (i == 0)
            paragraph(tr("The case has no evidence."), m_body);
        if (m_pass == Pass::Measure)
            m_sections.evidenceLast = m_page;
        return true;
    }

    void provenance()
    {
        const CaseReportData &d = *m_in.data;
        newPage(QPageLayout::Portrait);
        setSection(m_sections.provenance);
        heading(tr("Provenance"));
        paragraph(tr("Every archive the evidence comes from, as recorded when it was imported. The archive SHA-256 is the hash of the "
                     "archive file (of manifest.json for an unpacked archive). \"verified\" means the manifest's Ed25519 "
                     "signature was valid for a producer key trusted at import; UNSIGNED sources carry no such proof."),
                  m_small, kGrey, mm(4));
        const qreal lw = mm(38);
        int n = 0;
        for (const ReportSource &s : d.sources) {
            ensure(pitch(m_bodyBold) + 6 * pitch(m_body));
            paragraph(tr("Source %1: %2 %3").arg(++n).arg(s.tenant, s.tenantName), m_bodyBold, kInk, mm(1.5));
            if (!s.present()) {
                keyValue(tr("Archive SHA-256"), s.sha256, lw, m_mono);
                keyValue(tr("Verification"), tr("UNSIGNED / UNKNOWN: the archive is no longer in the workspace"), lw, m_bodyBold, kAlert);
            } else {
                keyValue(tr("Export ID"), s.exportId, lw, m_body);
                keyValue(tr("Period"), s.periodFrom + QStringLiteral(" – ") + s.periodTo, lw, m_body);
                keyValue(tr("Archive SHA-256"), s.sha256, lw, m_mono);
                if (s.isUnsigned())
                    keyValue(tr("Verification"), tr("UNSIGNED (%1)").arg(s.stateDetail), lw, m_bodyBold, kAlert);
                else
                    keyValue(tr("Verification"), tr("verified (%1)").arg(s.stateDetail), lw, m_body);
                keyValue(tr("Created by producer"), s.createdAt, lw, m_body);
                keyValue(tr("Imported"), tr("%1 by %2").arg(s.importedAt, s.importedBy), lw, m_body);
                keyValue(tr("Imported from"), s.sourcePath, lw, m_small);
            }
            keyValue(tr("Evidence items"), QString::number(s.evidence), lw, m_body);
            m_y += mm(3);
        }
        if (d.sources.isEmpty())
            paragraph(tr("No evidence, so no sources."), m_body);
        if (!d.queries.isEmpty()) {
            m_y += mm(2);
            paragraph(tr("Searches that built the evidence are listed in the summary and in the manifest."), m_small, kGrey);
        }
    }

    void journalSection()
    {
        const VerifyReport &v = *m_in.verify;
        m_y += mm(4);
        // Keep the section on one page: it is what a second party copies.
        ensure(pitch(m_h1) + mm(3) + (5 + v.notes.size()) * (pitch(m_body) + mm(1.2)) + mm(2) + 5 * pitch(m_small));
        setSection(m_sections.journal);
        heading(tr("Journal"));
        const qreal lw = mm(38);
        keyValue(tr("Verification"), v.intact ? tr("intact") : tr("BROKEN: %1").arg(v.failure), lw, v.intact ? m_body : m_bodyBold,
                 v.intact ? kInk : kAlert);
        keyValue(tr("Entries"), QString::number(v.entries), lw, m_body);
        keyValue(tr("Head hash"), QString::fromLatin1(v.head), lw, m_mono);
        keyValue(tr("Evidence re-hashed"), QString::number(v.evidenceChecked), lw, m_body);
        keyValue(tr("Archive files re-read"), v.archivesChecked > 0 ? QString::number(v.archivesChecked) : tr("none (not requested)"), lw, m_body);
        for (const QString &note : v.notes)
            keyValue(tr("Note"), note, lw, m_small);
        m_y += mm(2);
        paragraph(tr("These are the journal's state when this report was generated. The export itself is then recorded as entry %1 "
                     "(\"report.exported\") together with the SHA-256 of this file, which is in %2.sha256 beside it. Whoever keeps "
                     "the head hash above can later check that the workspace's journal still holds the same %3 entries ending in "
                     "it: any rewrite of that history changes it (see docs/journal.md).")
                      .arg(v.entries + 1)
                      .arg(m_in.outputName)
                      .arg(v.entries),
                  m_small, kGrey);
    }

    void setSection(int &slot)
    {
        if (m_pass == Pass::Measure)
            slot = m_page;
    }

    QPdfWriter *m_w;
    Input m_in;
    ReportProgressSink m_progress;
    int m_dpi;
    Pass m_pass = Pass::Measure;
    QPainter *m_p = nullptr;
    int m_page = 0;
    int m_totalPages = 0;
    QRectF m_bodyRect;
    qreal m_y = 0;
    QPageLayout::Orientation m_orientation = QPageLayout::Portrait;
    SectionPages m_sections;
    std::vector<qreal> m_rowHeights; ///< evidence row heights from the measuring pass (8 bytes a row)
    std::vector<uint16_t> m_rowWraps; ///< which cells of each row wrap (evidenceRow)
    bool m_lastWrapped = false; ///< whether the last textLines() needed a text layout
    QHash<const QFont *, QFontMetricsF> m_metrics;
    const QFont *m_painterFont = nullptr;
    QString m_hashLabelText;
    qreal m_hashLabelWidth = 0, m_hashLabelDy = 0;
    int64_t m_rowIndex = 0;
    Error m_error;
    qreal m_cellPitch = 0;
    QFont m_body, m_bodyBold, m_small, m_smallBold, m_header, m_h1, m_title, m_subtitle, m_cell, m_cellBold, m_hashLabel, m_mono, m_hashMono;
};

/// A read transaction: every query of the report sees one snapshot of the workspace (WAL), even
/// while the GUI adds evidence, so the measuring and the painting pass read the same rows.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(SqliteDb &db)
        : m_db(db)
        , m_active(bool(db.exec("BEGIN")))
    {
    }
    ~ReadSnapshot() { end(); }
    void end()
    {
        if (m_active)
            m_db.exec("COMMIT");
        m_active = false;
    }

private:
    SqliteDb &m_db;
    bool m_active;
};

bool onGuiThread()
{
    return QCoreApplication::instance() && QThread::currentThread() == QCoreApplication::instance()->thread()
        && qobject_cast<QApplication *>(QCoreApplication::instance());
}

} // namespace

QStringList reportFontFamilies()
{
    return { QStringLiteral("DejaVu Sans"), QStringLiteral("Droid Sans Fallback"), QStringLiteral("Noto Sans CJK KR"),
             QStringLiteral("FreeSans"), QStringLiteral("FreeSerif") };
}

QStringList missingReportFonts()
{
    const QStringList have = QFontDatabase::families();
    QStringList missing;
    for (const QString &f : reportFontFamilies() + monoFamilies())
        if (!have.contains(f, Qt::CaseInsensitive) && !missing.contains(f))
            missing << f;
    return missing;
}

QPicture renderTimelineFigure(const EvidenceHistogram &h, const QSize &size)
{
    Q_ASSERT(onGuiThread());
    QCustomPlot plot;
    plot.resize(size);
    const QFont tick = makeFont(reportFontFamilies(), 8);
    const QFont label = makeFont(reportFontFamilies(), 8.5);
    plot.setFont(tick);
    plot.xAxis->setTickLabelFont(tick);
    plot.yAxis->setTickLabelFont(tick);
    plot.xAxis->setLabelFont(label);
    plot.yAxis->setLabelFont(label);
    plot.yAxis->setLabel(tr("evidence items"));
    plot.xAxis->setLabel(tr("per %1, %2").arg(EvidenceHistogram::unitName(h.unit), zoneLabel(h.zone)));

    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setTimeZone(h.zone);
    ticker->setDateTimeFormat(h.unit == EvidenceHistogram::Unit::Hour ? QStringLiteral("MM-dd\nHH:mm") : QStringLiteral("yyyy-MM-dd"));
    plot.xAxis->setTicker(ticker);
    auto yTicker = QSharedPointer<QCPAxisTicker>::create();
    yTicker->setTickStepStrategy(QCPAxisTicker::tssReadability);
    plot.yAxis->setTicker(yTicker);
    plot.yAxis->setNumberFormat(QStringLiteral("f"));
    plot.yAxis->setNumberPrecision(0);

    const double width = h.unit == EvidenceHistogram::Unit::Hour ? 3600.0 : h.unit == EvidenceHistogram::Unit::Day ? 86400.0 : 7 * 86400.0;
    QVector<double> keys;
    for (int64_t ms : h.bucketStartUtcMs)
        keys << double(ms) / 1000.0 + width / 2;
    QCPBars *below = nullptr;
    QVector<double> stackTop(keys.size(), 0.0);
    for (int t = 0; t < h.tenants.size(); ++t) {
        auto *bars = new QCPBars(plot.xAxis, plot.yAxis);
        const QString name = h.tenantNames.value(h.tenants[t]);
        bars->setName(name.isEmpty() ? h.tenants[t] : h.tenants[t] + u' ' + name);
        const QColor c = kPalette[t % std::size(kPalette)];
        bars->setPen(QPen(c.darker(130), 0.5));
        bars->setBrush(c);
        bars->setWidth(width * 0.8);
        QVector<double> values;
        for (int b = 0; b < keys.size(); ++b) {
            values << h.counts[t][b];
            stackTop[b] += h.counts[t][b];
        }
        bars->setData(keys, values, true);
        if (below)
            bars->moveAbove(below);
        below = bars;
    }
    double maxY = 1;
    for (double v : std::as_const(stackTop))
        maxY = std::max(maxY, v);
    plot.yAxis->setRange(0, maxY * 1.1);
    if (!keys.isEmpty())
        plot.xAxis->setRange(keys.front() - width, keys.back() + width);
    // The legend goes below the plot so it never hides bars.
    plot.legend->setVisible(!h.tenants.isEmpty());
    plot.legend->setFont(tick);
    plot.legend->setBrush(QBrush(Qt::white));
    plot.legend->setBorderPen(Qt::NoPen);
    plot.axisRect()->insetLayout()->take(plot.legend);
    plot.plotLayout()->addElement(1, 0, plot.legend);
    plot.plotLayout()->setRowStretchFactor(1, 0.001);
    plot.legend->setWrap(2);
    plot.legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    plot.plotLayout()->simplify();

    QPicture picture;
    QCPPainter painter(&picture);
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    plot.toPainter(&painter, size.width(), size.height());
    painter.end();
    return picture;
}

Result<QPicture> prepareTimelineFigure(const QString &workspacePath, const QString &caseRef, const QTimeZone &zone)
{
    auto ws = Workspace::openReadOnly(workspacePath);
    if (!ws)
        return ws.error();
    CaseStore store(ws->db(), QString());
    auto c = store.findCase(caseRef);
    if (!c)
        return c.error();
    auto h = evidenceHistogram(ws->db(), c->id, zone);
    if (!h)
        return h.error();
    return renderTimelineFigure(*h);
}

Result<ReportResult> writeCaseReport(const ReportRequest &req, const QPicture *figure, const ReportProgressSink &progress)
{
    QElapsedTimer clock;
    clock.start();
    const auto report = [&](const QString &phase, int64_t done, int64_t total) {
        return !progress || progress({ phase, done, total });
    };
    const auto cancelled = [] { return Error(Error::Code::Cancelled, tr("Export cancelled")); };
    if (req.outputPath.isEmpty())
        return Error(Error::Code::Usage, tr("No output file given"));
    if (const QStringList missing = missingReportFonts(); !missing.isEmpty())
        qCWarning(lcReport) << "report fonts missing (install fonts-dejavu-core fonts-droid-fallback fonts-noto-cjk):" << missing;

    if (!report(tr("Reading the case"), 0, 0))
        return cancelled();
    auto ws = Workspace::open(req.workspacePath);
    if (!ws)
        return ws.error();
    const QString author = req.author.isEmpty() ? req.investigator.display() : req.author;
    CaseStore store(ws->db(), author);
    auto c = store.findCase(req.caseRef);
    if (!c)
        return c.error();
    ReadSnapshot snapshot(ws->db());
    auto data = loadCaseReportData(ws->db(), c->id);
    if (!data)
        return data.error();
    if (!report(tr("Verifying the journal"), 0, 0))
        return cancelled();
    qCDebug(lcReport) << "case data read" << clock.elapsed() << "ms";
    auto verify = verifyWorkspace(ws->db(), req.rehashArchives);
    if (!verify)
        return verify.error();
    qCDebug(lcReport) << "journal verified" << clock.elapsed() << "ms";

    QPicture ownFigure;
    auto hist = evidenceHistogram(ws->db(), c->id, req.zone);
    if (!hist)
        return hist.error();
    if (!figure) {
        if (!onGuiThread())
            return Error(Error::Code::Usage, tr("The timeline figure must be prepared on the GUI thread (prepareTimelineFigure)"));
        ownFigure = renderTimelineFigure(*hist);
        figure = &ownFigure;
    }
    qCDebug(lcReport) << "figure ready" << clock.elapsed() << "ms";

    const QDateTime generated = QDateTime::currentDateTimeUtc();
    const QFileInfo outInfo(req.outputPath);
    QSaveFile file(req.outputPath);
    if (!file.open(QIODevice::WriteOnly))
        return Error(Error::Code::Io, tr("Cannot write %1").arg(req.outputPath), file.errorString());
    int pages = 0;
    {
        QPdfWriter writer(&file);
        writer.setPdfVersion(QPagedPaintDevice::PdfVersion_A1b);
        writer.setResolution(1200);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        writer.setTitle(tr("Case report %1: %2").arg(c->ref, c->title));
        writer.setCreator(QStringLiteral("Casebook %1").arg(QStringLiteral(CASEBOOK_VERSION)));

        ReportPainter::Input in;
        in.db = &ws->db();
        in.data = &*data;
        in.verify = &*verify;
        in.figure = figure;
        in.figureUnit = EvidenceHistogram::unitName(hist->unit);
        in.zone = req.zone;
        in.investigator = req.investigator;
        in.generatedUtc = generated;
        in.outputName = outInfo.fileName();
        ReportPainter rp(&writer, in, progress);
        if (!rp.run(ReportPainter::Pass::Measure, nullptr)) {
            file.cancelWriting();
            return rp.error();
        }
        qCDebug(lcReport) << "measured" << rp.totalPages() << "pages" << clock.elapsed() << "ms";
        QPainter painter;
        if (!painter.begin(&writer)) {
            file.cancelWriting();
            return Error(Error::Code::Io, tr("Cannot start the PDF %1").arg(req.outputPath));
        }
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        const bool done = rp.run(ReportPainter::Pass::Paint, &painter);
        painter.end();
        if (!done) {
            file.cancelWriting();
            return rp.error();
        }
        pages = rp.totalPages();
        qCDebug(lcReport) << "painted" << clock.elapsed() << "ms";
    }
    snapshot.end(); // before the journal entry, which needs a write transaction
    if (!report(tr("Saving"), 0, 0)) {
        file.cancelWriting();
        return cancelled();
    }
    if (!file.commit())
        return Error(Error::Code::Io, tr("Cannot write %1").arg(req.outputPath), file.errorString());

    ReportResult r;
    r.pdfPath = req.outputPath;
    r.sha256Path = req.outputPath + QStringLiteral(".sha256");
    r.manifestPath = manifestPathFor(req.outputPath);
    r.pages = pages;
    r.evidence = data->evidence;
    r.journalEntriesAtExport = verify->entries;
    r.journalHeadAtExport = verify->head;
    r.journalIntact = verify->intact;
    const auto removeOutputs = [&] {
        QFile::remove(r.pdfPath);
        QFile::remove(r.sha256Path);
        QFile::remove(r.manifestPath);
    };
    auto sha = hashFile(r.pdfPath, r.bytes);
    if (!sha) {
        removeOutputs();
        return sha.error();
    }
    r.sha256 = *sha;
    if (auto st = writeSmallFile(r.sha256Path, r.sha256 + "  " + outInfo.fileName().toUtf8() + '\n'); !st) {
        removeOutputs();
        return st.error();
    }

    // The manifest: what the report was built from, for machines.
    QJsonArray sources;
    for (const ReportSource &s : data->sources)
        sources.append(QJsonObject { { QStringLiteral("institution"), s.tenant },
                                     { QStringLiteral("institution_name"), s.tenantName },
                                     { QStringLiteral("export_id"), s.exportId },
                                     { QStringLiteral("sha256"), s.sha256 },
                                     { QStringLiteral("state"), s.present() ? s.state : QStringLiteral("missing") },
                                     { QStringLiteral("state_detail"), s.stateDetail },
                                     { QStringLiteral("unsigned"), s.isUnsigned() },
                                     { QStringLiteral("period"), QJsonObject { { QStringLiteral("from"), s.periodFrom }, { QStringLiteral("to"), s.periodTo } } },
                                     { QStringLiteral("imported_at"), s.importedAt },
                                     { QStringLiteral("imported_by"), s.importedBy },
                                     { QStringLiteral("source_path"), s.sourcePath },
                                     { QStringLiteral("evidence"), qint64(s.evidence) } });
    QJsonArray queries;
    for (const ReportQuery &q : data->queries)
        queries.append(QJsonObject { { QStringLiteral("query"), q.query }, { QStringLiteral("evidence"), qint64(q.items) } });
    QJsonObject byInstitution;
    for (const ReportInstitution &i : data->institutions)
        byInstitution.insert(i.id, QJsonObject { { QStringLiteral("name"), i.name },
                                                 { QStringLiteral("events"), qint64(i.events) },
                                                 { QStringLiteral("transactions"), qint64(i.transactions) } });
    QJsonObject totals;
    for (auto it = data->totalsE4.cbegin(); it != data->totalsE4.cend(); ++it)
        totals.insert(it.key(), money::format(it.value(), it.key().toLatin1()));
    const QJsonObject manifest {
        { QStringLiteral("format"), QStringLiteral("casebook-report-manifest") },
        { QStringLiteral("version"), 1 },
        { QStringLiteral("app"), QStringLiteral("Casebook") },
        { QStringLiteral("app_version"), QStringLiteral(CASEBOOK_VERSION) },
        { QStringLiteral("generated_at"), generated.toString(Qt::ISODateWithMs) },
        { QStringLiteral("time_zone"), req.zone.isValid() ? QString::fromUtf8(req.zone.id()) : QStringLiteral("source") },
        { QStringLiteral("report"), QJsonObject { { QStringLiteral("file"), outInfo.fileName() },
                                                  { QStringLiteral("sha256"), QString::fromLatin1(r.sha256) },
                                                  { QStringLiteral("bytes"), qint64(r.bytes) },
                                                  { QStringLiteral("pages"), pages },
                                                  { QStringLiteral("pdf"), QStringLiteral("PDF/A-1b") } } },
        { QStringLiteral("case"), QJsonObject { { QStringLiteral("id"), c->ref },
                                                { QStringLiteral("title"), c->title },
                                                { QStringLiteral("status"), c->status },
                                                { QStringLiteral("outcome"), c->outcome.isEmpty() ? QJsonValue() : QJsonValue(c->outcome) } } },
        { QStringLiteral("investigator"), QJsonObject { { QStringLiteral("name"), req.investigator.name },
                                                        { QStringLiteral("organisation"), req.investigator.organisation },
                                                        { QStringLiteral("journal_author"), author } } },
        { QStringLiteral("sources"), sources },
        { QStringLiteral("queries"), queries },
        { QStringLiteral("counts"), QJsonObject { { QStringLiteral("evidence"), qint64(data->evidence) },
                                                  { QStringLiteral("events"), qint64(data->events) },
                                                  { QStringLiteral("transactions"), qint64(data->transactions) },
                                                  { QStringLiteral("notes"), qint64(data->notes.size()) },
                                                  { QStringLiteral("sources"), qint64(data->sources.size()) },
                                                  { QStringLiteral("unsigned_sources"), data->unsignedSources() },
                                                  { QStringLiteral("by_institution"), byInstitution } } },
        { QStringLiteral("totals"), totals },
        { QStringLiteral("journal"), QJsonObject { { QStringLiteral("intact"), verify->intact },
                                                   { QStringLiteral("entries"), qint64(verify->entries) },
                                                   { QStringLiteral("head"), QString::fromLatin1(verify->head) },
                                                   { QStringLiteral("failure"), verify->failure } } },
    };
    const QByteArray manifestBytes = QJsonDocument(manifest).toJson(QJsonDocument::Indented);
    if (auto st = writeSmallFile(r.manifestPath, manifestBytes); !st) {
        removeOutputs();
        return st.error();
    }

    // Journal last, so the entry carries the hash of the finished file.
    if (!report(tr("Recording the export in the journal"), 0, 0)) {
        removeOutputs();
        return cancelled();
    }
    auto seq = store.journalExport(c->id, QStringLiteral("report.exported"),
                                   { { QStringLiteral("file"), outInfo.fileName() },
                                     { QStringLiteral("sha256"), QString::fromLatin1(r.sha256) },
                                     { QStringLiteral("bytes"), qint64(r.bytes) },
                                     { QStringLiteral("pages"), pages },
                                     { QStringLiteral("evidence"), qint64(data->evidence) },
                                     { QStringLiteral("manifest_sha256"), QString::fromLatin1(Sha256::hexHash(manifestBytes)) },
                                     { QStringLiteral("journal_entries_at_export"), qint64(verify->entries) },
                                     { QStringLiteral("journal_head_at_export"), QString::fromLatin1(verify->head) },
                                     { QStringLiteral("time_zone"), req.zone.isValid() ? QString::fromUtf8(req.zone.id()) : QStringLiteral("source") } });
    if (!seq) {
        removeOutputs();
        return Error(seq.error().code, tr("The report could not be recorded in the journal, so it was not kept"), seq.error().text());
    }
    r.journalSeq = *seq;
    r.seconds = double(clock.nsecsElapsed()) / 1e9;
    return r;
}

} // namespace casebook
