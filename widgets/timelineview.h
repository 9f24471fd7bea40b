// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "timelineservice.h"

#include <QMap>
#include <QPointer>
#include <QStringList>
#include <QThreadPool>
#include <QTimeZone>
#include <QVector>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QCPAbstractItem;
class QCPAxisRect;
class QCPMarginGroup;
class QCPBars;
class QCPItemRect;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QRubberBand;
class QToolButton;
class QWheelEvent;
class QMouseEvent;

namespace casebook {

class TimeAxisTicker;

/// The timeline: bars per local calendar bucket (minute .. month, chosen from the visible range so
/// it holds ~100-400 buckets) for each institution, stacked or in lanes, of audit events or of
/// transactions (count, or exact amount in one currency).
///
/// Mouse: the wheel zooms around the cursor, a drag pans, Shift+drag (or a right-button drag) selects
/// a range (snapped to the buckets under it) and emits rangeSelected(); a double-click resets to the
/// full range and clears the selection. Hovering shows the bucket's numbers per institution.
///
/// Data comes from TimelineService on a private one-thread pool with its own read-only connection
/// (STYLE 16, 18): every request carries a generation, superseded ones are cancelled or dropped.
/// GUI thread only.
class TimelineView : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Events, TransactionCount, TransactionAmount };
    Q_ENUM(Mode)
    enum class Layout { Stacked, Lanes };
    Q_ENUM(Layout)

    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    /// Shows the workspace at `path` (opened read-only on the worker thread), fitted to all its data.
    /// An empty path shows nothing.
    void setWorkspace(const QString &path);
    QString workspace() const { return m_path; }
    /// Institutions to show, in this order; empty = all.
    void setTenants(const QStringList &ids);
    QStringList tenants() const { return m_tenants; }
    /// Calendar of buckets and axis labels. An invalid zone means UTC.
    void setTimeZone(const QTimeZone &zone);
    QTimeZone timeZone() const { return m_zone; }
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    /// Currency of Mode::TransactionAmount (ISO 4217); empty = the first one the data has.
    void setCurrency(const QString &currency);
    QString currency() const;
    void setLayout(Layout layout);
    Layout layout() const { return m_layout; }
    /// Quick filters: events matching them are drawn in full colour, the others faded.
    void setFilter(const TimelineFilter &filter);
    TimelineFilter filter() const { return m_filter; }
    /// Bucket size; nullopt = automatic from the visible range.
    void setBucketUnit(std::optional<BucketUnit> unit);
    /// Marked instants (UTC ms), drawn as vertical lines (case evidence).
    void setMarkers(const QVector<qint64> &utcMs);
    QVector<qint64> markers() const { return m_markers; }
    /// The instant of the selected search hit (UTC ms), drawn as a solid line; when it lies outside the
    /// visible range the view pans to centre it (keeping the zoom). nullopt removes it.
    void setCurrentInstant(std::optional<qint64> utcMs);
    std::optional<qint64> currentInstant() const { return m_currentInstant; }
    /// Shows only the hits of `search` (bucketed from the rows on the worker: events, transactions and
    /// amounts), fitted to their time range; nullopt shows every row again and restores the range
    /// shown before. The institutions chosen with setTenants() still apply. A search that can only
    /// find transactions switches the Events mode to transaction counts (and one that can only find
    /// events switches a transaction mode to Events).
    void setSearch(const std::optional<CompiledSearch> &search);
    bool showsSearchHits() const { return m_search.has_value(); }
    void setToolBarVisible(bool visible);

    /// Shows [fromUtcMs, toUtcMs) and re-buckets for it.
    void setVisibleRange(qint64 fromUtcMs, qint64 toUtcMs);
    qint64 visibleFrom() const { return m_from; }
    qint64 visibleTo() const { return m_to; }
    /// [first, last] of the data of the shown institutions, or nullopt before it is known / when empty.
    std::optional<std::pair<qint64, qint64>> fullRange() const { return m_extent; }
    /// Selects [fromUtcMs, toUtcMs) as if rubber-banded (no snapping) and emits rangeSelected().
    void selectRange(qint64 fromUtcMs, qint64 toUtcMs);
    std::optional<std::pair<qint64, qint64>> selection() const { return m_selection; }

    /// The data currently drawn (empty before the first result).
    const TimelineData &data() const { return m_data; }
    /// The hover text for the bucket at plot x pixel `x` (empty outside the data).
    QString toolTipAt(int x) const;
    QCustomPlot *plot() const { return m_plot; }
    /// Latency of the last re-bucket on the worker (ms) and of the last replot (ms).
    double lastQueryMs() const { return m_lastQueryMs; }
    double lastReplotMs() const;

    /// The range the view asks TimelineService for when [visibleFrom, visibleTo) is shown: a quarter of
    /// the span more on each side (so a pan shows bars at once), but not beyond the data in `extent`
    /// where the visible range does not reach.
    static std::pair<qint64, qint64> requestRange(qint64 visibleFrom, qint64 visibleTo,
                                                  std::optional<std::pair<qint64, qint64>> extent);

    bool exportPng(const QString &path, int width = 0, int height = 0);
    /// Vector PDF (QCustomPlot::savePdf).
    bool exportPdf(const QString &path, int width = 0, int height = 0);

public Q_SLOTS:
    /// Back to the full range of the data; clears the selection.
    void resetRange();
    void clearSelection();
    /// Re-reads the data range and the buckets (e.g. after an import).
    void refresh();

Q_SIGNALS:
    /// The user selected [fromUtcMs, toUtcMs) (rubber band, or selectRange()).
    void rangeSelected(qint64 fromUtcMs, qint64 toUtcMs);
    void selectionCleared();
    void visibleRangeChanged(qint64 fromUtcMs, qint64 toUtcMs);
    /// New buckets are drawn (a replot is queued).
    void dataUpdated();
    void queryFailed(const QString &message);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Job;
    struct Reply;
    struct Worker;

    void buildToolBar();
    void requestData(bool fitToExtent);
    void scheduleRequest();
    void onReply(const Reply &reply);
    void rebuildPlot();
    void applyData();
    void applyRange();
    void updateSelectionItems();
    void updateMarkerItems();
    void rescaleValueAxes();
    QString valueLabel() const;
    double valueOf(int bucket, int tenant, int currencyIndex) const;
    int currencyIndex() const;
    qint64 xToMs(double pixelX) const;
    void onMousePress(QMouseEvent *e);
    void onMouseMove(QMouseEvent *e);
    void onMouseRelease(QMouseEvent *e);
    void onWheel(QWheelEvent *e);
    void onDoubleClick(QMouseEvent *e);
    void syncControls();

    QString m_path;
    QStringList m_tenants;
    QTimeZone m_zone = QTimeZone::utc();
    Mode m_mode = Mode::Events;
    Layout m_layout = Layout::Stacked;
    QString m_currency;
    TimelineFilter m_filter;
    std::optional<BucketUnit> m_unit;
    QVector<qint64> m_markers;
    std::optional<qint64> m_currentInstant;
    std::optional<CompiledSearch> m_search;
    std::optional<std::pair<qint64, qint64>> m_rangeBeforeSearch;
    qint64 m_from = 0, m_to = 0;
    std::optional<std::pair<qint64, qint64>> m_extent;
    std::optional<std::pair<qint64, qint64>> m_selection;
    QMap<QString, QString> m_names; ///< institution id → name
    TimelineData m_data;
    QStringList m_plotTenants; ///< the institutions the plot layout was built for
    double m_lastQueryMs = 0;

    // Background queries.
    QThreadPool m_pool;
    std::shared_ptr<Worker> m_worker;
    std::shared_ptr<std::atomic<quint64>> m_latest;
    quint64 m_generation = 0;
    bool m_requestPending = false;
    bool m_fitPending = false;

    // Plot.
    QCustomPlot *m_plot = nullptr;
    QSharedPointer<TimeAxisTicker> m_ticker;
    QVector<QCPAxisRect *> m_rects;
    QVector<QCPBars *> m_hiBars, m_loBars; ///< per institution: matched / the rest
    QVector<QCPItemRect *> m_selectionItems;
    QVector<QCPAbstractItem *> m_markerItems; ///< evidence markers and the current hit
    QCPMarginGroup *m_marginGroup = nullptr;

    // Interaction.
    enum class Drag { None, Pan, Select };
    Drag m_drag = Drag::None;
    QPoint m_pressPos;
    qint64 m_pressFrom = 0, m_pressTo = 0;
    QRubberBand *m_band = nullptr;

    // Tool bar.
    QWidget *m_toolBar = nullptr;
    QComboBox *m_modeBox = nullptr;
    QComboBox *m_currencyBox = nullptr;
    QComboBox *m_layoutBox = nullptr;
    QComboBox *m_unitBox = nullptr;
    QComboBox *m_outcomeBox = nullptr;
    QLineEdit *m_actionEdit = nullptr;
    QLineEdit *m_actorEdit = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace casebook
