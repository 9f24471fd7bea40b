// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelineview.h"

#include "money.h"
#include "qcustomplotwrapper.h"
#include "timeaxisticker.h"
#include "workspace.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMenu>
#include <QMouseEvent>
#include <QRubberBand>
#include <QToolButton>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtConcurrent>

#include <cmath>
#include <limits>

Q_LOGGING_CATEGORY(lcTimeline, "casebook.widgets.timeline")

using namespace Qt::StringLiterals;

namespace casebook {

namespace {

constexpr qint64 kMinSpanMs = 5 * 60 * 1000; ///< zooming stops at five minutes across
constexpr qint64 kHourMs = 3600 * 1000;

/// Institution colours (Tableau 10), reused in order.
QColor tenantColor(int i)
{
    static const QRgb palette[] = { 0x4e79a7, 0xf28e2b, 0x59a14f, 0xe15759, 0x76b7b2,
                                    0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac };
    return QColor(palette[i % int(std::size(palette))]);
}

QString zoneLabel(const QTimeZone &zone, qint64 atMs)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(atMs, zone);
    const int off = dt.offsetFromUtc();
    QString o = u"UTC"_s;
    if (off != 0) {
        const int a = std::abs(off) / 60;
        o += (off < 0 ? u'-' : u'+') + QString::number(a / 60).rightJustified(2, u'0') + u':'
            + QString::number(a % 60).rightJustified(2, u'0');
    }
    const QString id = zone == QTimeZone::utc() ? QStringLiteral("UTC") : QString::fromUtf8(zone.id());
    return id == o ? id : id + u" (" + o + u')';
}

} // namespace

// ---- background queries --------------------------------------------------------------------------

struct TimelineView::Job
{
    quint64 generation = 0;
    QString path;
    TimelineRequest request; ///< range filled by the worker when fitting
    bool readExtent = false; ///< (re-)read the data range and institution names
    bool fit = false; ///< show the whole data range (the worker picks the range)
    qint64 visibleFrom = 0, visibleTo = 0;
    std::optional<std::pair<qint64, qint64>> extent; ///< as known to the view
};
// Job::request.search: the hits to count instead of every row (scoped to the chosen institutions).

struct TimelineView::Reply
{
    quint64 generation = 0;
    bool cancelled = false;
    QString error;
    bool extentRead = false;
    std::optional<std::pair<qint64, qint64>> extent;
    QMap<QString, QString> names;
    bool fitted = false;
    qint64 visibleFrom = 0, visibleTo = 0;
    bool hasData = false;
    TimelineData data;
    double ms = 0;
};

/// The worker's state: only ever touched on the view's one-thread pool, so the connection belongs to
/// that thread (STYLE 16).
struct TimelineView::Worker
{
    QString path;
    std::optional<Workspace> ws;

    static std::pair<qint64, qint64> fitRange(std::pair<qint64, qint64> extent)
    {
        qint64 span = std::max<qint64>(extent.second - extent.first, kHourMs);
        const qint64 mid = extent.first + (extent.second - extent.first) / 2;
        span += span / 25; // a little air on both sides
        return { mid - span / 2, mid + span / 2 };
    }

    Reply run(const std::shared_ptr<std::atomic<quint64>> &latest, Job job)
    {
        Reply r;
        r.generation = job.generation;
        const auto stale = [&] { return latest->load() != job.generation; };
        if (stale()) {
            r.cancelled = true;
            return r;
        }
        QElapsedTimer timer;
        timer.start();
        if (job.path != path || !ws) {
            ws.reset();
            path = job.path;
            if (!path.isEmpty()) {
                auto opened = Workspace::openReadOnly(path);
                if (!opened) {
                    r.error = opened.error().text();
                    return r;
                }
                ws.emplace(std::move(*opened));
            }
        }
        if (!ws) {
            r.extentRead = true;
            return r;
        }
        TimelineService service(*ws);
        if (job.readExtent || job.fit) {
            auto e = job.request.search ? service.extent(*job.request.search) : service.extent(job.request.tenants);
            if (!e) {
                r.error = e.error().text();
                return r;
            }
            r.extentRead = true;
            r.extent = *e;
            job.extent = *e;
            auto q = ws->db().prepare("SELECT id, name FROM tenants");
            if (q)
                while (q->step() == Statement::StepResult::Row)
                    r.names.insert(q->columnText(0), q->columnText(1));
            if (job.fit) {
                if (!*e)
                    return r; // nothing to show
                const auto range = fitRange(**e);
                job.visibleFrom = range.first;
                job.visibleTo = range.second;
                r.fitted = true;
            }
        }
        r.visibleFrom = job.visibleFrom;
        r.visibleTo = job.visibleTo;
        if (job.visibleTo <= job.visibleFrom)
            return r;
        TimelineRequest req = job.request;
        req.unit = job.request.unit ? job.request.unit : timebuckets::autoUnit(job.visibleFrom, job.visibleTo);
        std::tie(req.fromUtcMs, req.toUtcMs) = requestRange(job.visibleFrom, job.visibleTo, job.extent);
        auto data = service.query(req, stale);
        if (!data) {
            if (data.error().code == Error::Code::Cancelled)
                r.cancelled = true;
            else
                r.error = data.error().text();
            return r;
        }
        r.hasData = true;
        r.data = std::move(*data);
        r.ms = double(timer.nsecsElapsed()) / 1e6;
        return r;
    }
};

// ---- construction ----------------------------------------------------------------------------------

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
    , m_worker(std::make_shared<Worker>())
    , m_latest(std::make_shared<std::atomic<quint64>>(0))
{
    // One thread that never expires: the worker's connection stays on the thread that opened it.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    buildToolBar();
    layout->addWidget(m_toolBar);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(u"timelinePlot"_s);
    m_plot->setInteractions({}); // zoom, pan and selection are ours (lanes share one x range)
    // Bars are rectangles on pixel boundaries: antialiasing costs ~10x the replot time for nothing.
    m_plot->setNotAntialiasedElements(QCP::aeAll);
    m_plot->setAntialiasedElements(QCP::aeLegend | QCP::aeAxes);
    m_plot->setPlottingHint(QCP::phCacheLabels, true);
    m_plot->setMinimumHeight(160);
    layout->addWidget(m_plot, 1);

    m_ticker.reset(new TimeAxisTicker);
    m_marginGroup = new QCPMarginGroup(m_plot);
    m_rects << m_plot->axisRect();
    // The legend gets a row of its own above the bars, so it never hides any.
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(3);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setMargins(QMargins(4, 2, 4, 0));
    m_plot->legend->setVisible(false);

    m_band = new QRubberBand(QRubberBand::Rectangle, m_plot);
    m_band->hide();
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mousePress, this, &TimelineView::onMousePress);
    connect(m_plot, &QCustomPlot::mouseMove, this, &TimelineView::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &TimelineView::onMouseRelease);
    connect(m_plot, &QCustomPlot::mouseWheel, this, &TimelineView::onWheel);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &TimelineView::onDoubleClick);
    rebuildPlot();
}

TimelineView::~TimelineView()
{
    // Make any running query give up at its next check, then wait for the worker (STYLE 20).
    m_latest->store(std::numeric_limits<quint64>::max());
    m_pool.waitForDone();
}

void TimelineView::buildToolBar()
{
    m_toolBar = new QWidget(this);
    auto *h = new QHBoxLayout(m_toolBar);
    h->setContentsMargins(4, 2, 4, 2);
    m_modeBox = new QComboBox(m_toolBar);
    m_modeBox->addItem(tr("Events"), int(Mode::Events));
    m_modeBox->addItem(tr("Transactions"), int(Mode::TransactionCount));
    m_modeBox->addItem(tr("Amount"), int(Mode::TransactionAmount));
    m_currencyBox = new QComboBox(m_toolBar);
    m_currencyBox->setEnabled(false);
    m_currencyBox->setToolTip(tr("Currency of the amounts"));
    m_layoutBox = new QComboBox(m_toolBar);
    m_layoutBox->addItem(tr("Stacked"), int(Layout::Stacked));
    m_layoutBox->addItem(tr("Lanes"), int(Layout::Lanes));
    m_unitBox = new QComboBox(m_toolBar);
    m_unitBox->addItem(tr("Auto"), -1);
    for (BucketUnit u : { BucketUnit::Minute, BucketUnit::FiveMinutes, BucketUnit::Hour, BucketUnit::Day,
                          BucketUnit::Week, BucketUnit::Month })
        m_unitBox->addItem(timebuckets::unitName(u), int(u));
    m_unitBox->setToolTip(tr("Bucket size"));
    m_outcomeBox = new QComboBox(m_toolBar);
    m_outcomeBox->addItem(tr("All outcomes"), QStringList());
    m_outcomeBox->addItem(tr("Failures + denials"), QStringList { u"failure"_s, u"denied"_s });
    m_outcomeBox->addItem(tr("Failures"), QStringList { u"failure"_s });
    m_outcomeBox->addItem(tr("Denials"), QStringList { u"denied"_s });
    m_outcomeBox->setToolTip(tr("Highlight events with this outcome"));
    m_actionEdit = new QLineEdit(m_toolBar);
    m_actionEdit->setPlaceholderText(tr("action prefix, e.g. db.export"));
    m_actionEdit->setClearButtonEnabled(true);
    m_actorEdit = new QLineEdit(m_toolBar);
    m_actorEdit->setPlaceholderText(tr("actor"));
    m_actorEdit->setClearButtonEnabled(true);
    auto *reset = new QToolButton(m_toolBar);
    reset->setText(tr("Full range"));
    reset->setToolTip(tr("Show all data and clear the selection (or double-click the timeline)"));
    auto *exportButton = new QToolButton(m_toolBar);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(exportButton);
    menu->addAction(tr("PNG image…"), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export timeline"), u"timeline.png"_s, tr("PNG images (*.png)"));
        if (!p.isEmpty() && !exportPng(p))
            Q_EMIT queryFailed(tr("Cannot write %1").arg(p));
    });
    menu->addAction(tr("PDF (vector)…"), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export timeline"), u"timeline.pdf"_s, tr("PDF files (*.pdf)"));
        if (!p.isEmpty() && !exportPdf(p))
            Q_EMIT queryFailed(tr("Cannot write %1").arg(p));
    });
    exportButton->setMenu(menu);
    m_status = new QLabel(m_toolBar);
    m_status->setObjectName(u"timelineStatus"_s);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setMinimumWidth(m_status->fontMetrics().horizontalAdvance(u"minute · 000.0 ms"_s));

    h->addWidget(m_modeBox);
    h->addWidget(m_currencyBox);
    h->addWidget(m_layoutBox);
    h->addWidget(m_unitBox);
    h->addSpacing(8);
    h->addWidget(m_outcomeBox);
    h->addWidget(m_actionEdit, 2);
    h->addWidget(m_actorEdit, 1);
    h->addWidget(reset);
    h->addWidget(exportButton);
    h->addWidget(m_status);

    connect(m_modeBox, &QComboBox::currentIndexChanged, this,
            [this] { setMode(Mode(m_modeBox->currentData().toInt())); });
    connect(m_currencyBox, &QComboBox::currentTextChanged, this, [this](const QString &c) {
        if (!c.isEmpty())
            setCurrency(c);
    });
    connect(m_layoutBox, &QComboBox::currentIndexChanged, this,
            [this] { setLayout(Layout(m_layoutBox->currentData().toInt())); });
    connect(m_unitBox, &QComboBox::currentIndexChanged, this, [this] {
        const int v = m_unitBox->currentData().toInt();
        setBucketUnit(v < 0 ? std::nullopt : std::optional<BucketUnit>(BucketUnit(v)));
    });
    const auto filterFromControls = [this] {
        TimelineFilter f;
        f.outcomes = m_outcomeBox->currentData().toStringList();
        f.actionPrefix = m_actionEdit->text().trimmed();
        f.actor = m_actorEdit->text().trimmed();
        setFilter(f);
    };
    connect(m_outcomeBox, &QComboBox::currentIndexChanged, this, filterFromControls);
    connect(m_actionEdit, &QLineEdit::textChanged, this, filterFromControls);
    connect(m_actorEdit, &QLineEdit::textChanged, this, filterFromControls);
    connect(reset, &QToolButton::clicked, this, [this] {
        resetRange();
        clearSelection();
    });
}

void TimelineView::syncControls()
{
    const QSignalBlocker b1(m_modeBox), b2(m_layoutBox), b3(m_unitBox), b4(m_outcomeBox), b5(m_actionEdit),
        b6(m_actorEdit), b7(m_currencyBox);
    m_modeBox->setCurrentIndex(m_modeBox->findData(int(m_mode)));
    m_layoutBox->setCurrentIndex(m_layoutBox->findData(int(m_layout)));
    m_unitBox->setCurrentIndex(m_unitBox->findData(m_unit ? int(*m_unit) : -1));
    const int o = m_outcomeBox->findData(m_filter.outcomes);
    m_outcomeBox->setCurrentIndex(o < 0 ? 0 : o);
    if (m_actionEdit->text().trimmed() != m_filter.actionPrefix)
        m_actionEdit->setText(m_filter.actionPrefix);
    if (m_actorEdit->text().trimmed() != m_filter.actor)
        m_actorEdit->setText(m_filter.actor);
    QStringList currencies = m_data.currencies;
    if (currencies.isEmpty() && !m_currency.isEmpty())
        currencies << m_currency;
    if (currencies != [this] {
            QStringList l;
            for (int i = 0; i < m_currencyBox->count(); ++i)
                l << m_currencyBox->itemText(i);
            return l;
        }()) {
        m_currencyBox->clear();
        m_currencyBox->addItems(currencies);
    }
    m_currencyBox->setCurrentText(currency());
    m_currencyBox->setEnabled(m_mode == Mode::TransactionAmount);
}

// ---- setters -----------------------------------------------------------------------------------------

void TimelineView::setWorkspace(const QString &path)
{
    m_path = path;
    m_extent.reset();
    m_selection.reset();
    m_data = TimelineData();
    m_names.clear();
    rebuildPlot();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    m_fitPending = true;
    scheduleRequest();
}

void TimelineView::setTenants(const QStringList &ids)
{
    if (ids == m_tenants)
        return;
    m_tenants = ids;
    m_extent.reset();
    if (m_to <= m_from)
        m_fitPending = true;
    scheduleRequest();
}

void TimelineView::setTimeZone(const QTimeZone &zone)
{
    const QTimeZone z = zone.isValid() ? zone : QTimeZone::utc();
    if (z == m_zone)
        return;
    m_zone = z;
    m_ticker->setTimeZone(z);
    applyRange();
    scheduleRequest();
}

void TimelineView::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    syncControls();
    applyData();
}

void TimelineView::setCurrency(const QString &currency)
{
    if (currency == m_currency)
        return;
    m_currency = currency;
    syncControls();
    if (m_mode == Mode::TransactionAmount)
        applyData();
}

QString TimelineView::currency() const
{
    if (!m_currency.isEmpty() || m_data.currencies.isEmpty())
        return m_currency;
    return m_data.currencies.first();
}

void TimelineView::setLayout(Layout layout)
{
    if (layout == m_layout)
        return;
    m_layout = layout;
    syncControls();
    rebuildPlot();
    applyData();
}

void TimelineView::setFilter(const TimelineFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    syncControls();
    scheduleRequest();
}

void TimelineView::setBucketUnit(std::optional<BucketUnit> unit)
{
    if (unit == m_unit)
        return;
    m_unit = unit;
    syncControls();
    scheduleRequest();
}

void TimelineView::setMarkers(const QVector<qint64> &utcMs)
{
    m_markers = utcMs;
    updateMarkerItems();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::setCurrentInstant(std::optional<qint64> utcMs)
{
    if (utcMs == m_currentInstant)
        return;
    m_currentInstant = utcMs;
    updateMarkerItems();
    if (utcMs && m_to > m_from && (*utcMs < m_from || *utcMs >= m_to)) {
        const qint64 span = m_to - m_from;
        setVisibleRange(*utcMs - span / 2, *utcMs - span / 2 + span);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::setSearch(const std::optional<CompiledSearch> &search)
{
    if (!search && !m_search)
        return;
    if (search && !m_search && m_to > m_from)
        m_rangeBeforeSearch = std::pair<qint64, qint64>(m_from, m_to);
    m_search = search;
    m_extent.reset(); // the hits' range, or all data's
    // Hits of one kind only (account:, actor:, kind:...): show that kind rather than empty bars.
    if (search && m_mode == Mode::Events && search->part(HitKind::Event).never && !search->part(HitKind::Transaction).never)
        setMode(Mode::TransactionCount);
    else if (search && m_mode != Mode::Events && search->part(HitKind::Transaction).never && !search->part(HitKind::Event).never)
        setMode(Mode::Events);
    if (search || !m_rangeBeforeSearch) {
        m_fitPending = true; // show where the hits are
    } else {
        const auto r = *std::exchange(m_rangeBeforeSearch, std::nullopt);
        setVisibleRange(r.first, r.second);
    }
    scheduleRequest();
}

void TimelineView::setToolBarVisible(bool visible) { m_toolBar->setVisible(visible); }

void TimelineView::setVisibleRange(qint64 fromUtcMs, qint64 toUtcMs)
{
    if (toUtcMs - fromUtcMs < kMinSpanMs) {
        const qint64 mid = fromUtcMs + (toUtcMs - fromUtcMs) / 2;
        fromUtcMs = mid - kMinSpanMs / 2;
        toUtcMs = fromUtcMs + kMinSpanMs;
    }
    if (fromUtcMs == m_from && toUtcMs == m_to)
        return;
    m_from = fromUtcMs;
    m_to = toUtcMs;
    m_fitPending = false;
    applyRange();
    scheduleRequest();
}

void TimelineView::resetRange()
{
    if (m_extent) {
        const auto r = Worker::fitRange(*m_extent);
        setVisibleRange(r.first, r.second);
    } else {
        m_fitPending = true;
        scheduleRequest();
    }
}

void TimelineView::selectRange(qint64 fromUtcMs, qint64 toUtcMs)
{
    if (toUtcMs <= fromUtcMs)
        return;
    m_selection = std::pair<qint64, qint64>(fromUtcMs, toUtcMs);
    updateSelectionItems();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT rangeSelected(fromUtcMs, toUtcMs);
}

void TimelineView::clearSelection()
{
    if (!m_selection)
        return;
    m_selection.reset();
    updateSelectionItems();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT selectionCleared();
}

void TimelineView::refresh()
{
    m_extent.reset();
    if (m_to <= m_from)
        m_fitPending = true;
    scheduleRequest();
}

// ---- queries -----------------------------------------------------------------------------------------

void TimelineView::scheduleRequest()
{
    // Coalesce everything that happens in one event-loop turn (a burst of wheel events, several
    // setters) into one query.
    if (m_requestPending)
        return;
    m_requestPending = true;
    QTimer::singleShot(0, this, [this] {
        m_requestPending = false;
        requestData(m_fitPending);
    });
}

void TimelineView::requestData(bool fit)
{
    Job job;
    job.generation = ++m_generation;
    m_latest->store(job.generation); // a running query for an older generation stops at its next check
    job.path = m_path;
    job.request.tenants = m_tenants;
    job.request.zone = m_zone;
    job.request.unit = m_unit;
    job.request.filter = m_filter;
    if (m_search) {
        // The institutions chosen here narrow the hits in SQL, like a search scope.
        job.request.search = m_search;
        if (!m_tenants.isEmpty())
            if (auto scoped = SearchService::compile(m_search->query(), SearchScope::only(m_tenants)))
                job.request.search = *scoped;
    }
    job.readExtent = !m_extent.has_value();
    job.fit = fit;
    job.visibleFrom = m_from;
    job.visibleTo = m_to;
    job.extent = m_extent;
    auto *watcher = new QFutureWatcher<Reply>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        onReply(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [worker = m_worker, latest = m_latest, job] {
        return worker->run(latest, job);
    }));
}

void TimelineView::onReply(const Reply &reply)
{
    if (reply.generation != m_generation || reply.cancelled)
        return; // superseded
    if (!reply.error.isEmpty()) {
        qCWarning(lcTimeline) << reply.error;
        m_status->setText(tr("error"));
        m_status->setToolTip(reply.error);
        Q_EMIT queryFailed(reply.error);
        return;
    }
    if (reply.extentRead) {
        m_extent = reply.extent;
        m_names = reply.names;
    }
    if (reply.fitted) {
        m_fitPending = false;
        m_from = reply.visibleFrom;
        m_to = reply.visibleTo;
    }
    if (reply.hasData) {
        m_data = reply.data;
        m_lastQueryMs = reply.ms;
    } else if (reply.extentRead && !reply.extent) {
        m_data = TimelineData(); // an empty workspace
    }
    if (m_data.tenants != m_plotTenants)
        rebuildPlot();
    applyRange();
    applyData();
    m_status->setText(m_data.bucketCount() ? (m_search ? tr("search hits · ") : QString())
                              + tr("%1 · %2 ms").arg(timebuckets::unitName(m_data.unit)).arg(m_lastQueryMs, 0, 'f', 1)
                                           : (m_search ? tr("no hits") : tr("no data")));
    m_status->setToolTip({});
    Q_EMIT dataUpdated();
}

// ---- drawing -----------------------------------------------------------------------------------------

void TimelineView::rebuildPlot()
{
    m_plot->clearItems();
    m_selectionItems.clear();
    m_markerItems.clear();
    m_plot->clearPlottables();
    m_hiBars.clear();
    m_loBars.clear();
    while (m_rects.size() > 1)
        m_plot->plotLayout()->remove(m_rects.takeLast());
    m_plot->plotLayout()->simplify();

    const QStringList &tenants = m_data.tenants;
    m_plotTenants = tenants;
    const int lanes = m_layout == Layout::Lanes ? std::max<int>(1, int(tenants.size())) : 1;
    for (int i = 1; i < lanes; ++i) {
        auto *rect = new QCPAxisRect(m_plot);
        m_plot->plotLayout()->addElement(i + 1, 0, rect); // row 0 is the legend
        m_rects << rect;
    }
    for (int i = 0; i < m_rects.size(); ++i) {
        QCPAxisRect *rect = m_rects[i];
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, m_marginGroup);
        rect->setRangeDrag({});
        rect->setRangeZoom({});
        QCPAxis *x = rect->axis(QCPAxis::atBottom);
        x->setTicker(m_ticker);
        x->setTickLabels(i == m_rects.size() - 1);
        x->grid()->setVisible(true);
        QCPAxis *y = rect->axis(QCPAxis::atLeft);
        y->setLabel(m_layout == Layout::Lanes && i < tenants.size() ? tenants[i] : valueLabel());
        y->setRangeLower(0);
        y->setNumberFormat(u"f"_s); // plain numbers: 2500000, not 2.5·10^6
        y->setNumberPrecision(0);
        y->ticker()->setTickCount(m_layout == Layout::Lanes ? 3 : 5);
        if (m_layout == Layout::Lanes && i + 1 < m_rects.size())
            rect->setAutoMargins(QCP::msLeft | QCP::msRight | QCP::msTop);
    }
    for (int t = 0; t < tenants.size(); ++t) {
        QCPAxisRect *rect = m_layout == Layout::Lanes ? m_rects[t] : m_rects[0];
        auto *hi = new QCPBars(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        auto *lo = new QCPBars(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        for (QCPBars *b : { hi, lo }) {
            b->setAntialiased(false);
            b->setAntialiasedFill(false);
            b->setPen(Qt::NoPen);
            b->setWidthType(QCPBars::wtPlotCoords);
            b->setStackingGap(0);
        }
        const QString name = m_names.value(tenants[t]);
        hi->setName(name.isEmpty() ? tenants[t] : tenants[t] + u' ' + name);
        hi->setBrush(tenantColor(t));
        QColor faded = tenantColor(t);
        faded.setAlpha(60);
        lo->setBrush(faded);
        lo->removeFromLegend();
        // Order matters: moveAbove() first takes a plottable out of any stack it is in.
        if (m_layout == Layout::Stacked && t > 0)
            hi->moveAbove(m_loBars[t - 1]);
        lo->moveAbove(hi);
        m_hiBars << hi;
        m_loBars << lo;
    }
    m_plot->legend->setVisible(!tenants.isEmpty());
    m_ticker->setTickCount(std::max(2, m_plot->width() / 85));
    m_rects.first()->axis(QCPAxis::atBottom)->setRange(double(m_from) / 1000, double(m_to) / 1000);
    updateSelectionItems();
    updateMarkerItems();
}

QString TimelineView::valueLabel() const
{
    switch (m_mode) {
    case Mode::Events:
        return tr("events");
    case Mode::TransactionCount:
        return tr("transactions");
    case Mode::TransactionAmount:
        return tr("amount (%1)").arg(currency());
    }
    return {};
}

int TimelineView::currencyIndex() const { return int(m_data.currencies.indexOf(currency())); }

double TimelineView::valueOf(int bucket, int tenant, int currencyIdx) const
{
    const TimelineCounts &c = m_data.at(bucket, tenant);
    switch (m_mode) {
    case Mode::Events:
        return double(c.events);
    case Mode::TransactionCount:
        return double(c.transactions);
    case Mode::TransactionAmount:
        // Plot coordinates only; the exact sums stay integers (tooltips, CLI, exports of numbers).
        return currencyIdx < 0 ? 0.0 : double(m_data.amountAt(bucket, tenant, currencyIdx)) / double(money::kFactor);
    }
    return 0;
}

void TimelineView::applyData()
{
    syncControls();
    const int nb = m_data.bucketCount();
    const int c = currencyIndex();
    double width = std::numeric_limits<double>::max();
    QVector<double> keys(nb);
    for (int b = 0; b < nb; ++b) {
        keys[b] = double(m_data.edges[b] + m_data.edges[b + 1]) / 2000;
        width = std::min(width, double(m_data.edges[b + 1] - m_data.edges[b]) / 1000);
    }
    const bool highlight = m_mode == Mode::Events && m_data.filtered;
    for (int t = 0; t < m_hiBars.size() && t < m_data.tenantCount(); ++t) {
        QVector<double> hi(nb), lo(nb);
        for (int b = 0; b < nb; ++b) {
            const double total = valueOf(b, t, c);
            const double matched = highlight ? double(m_data.at(b, t).matched) : total;
            hi[b] = matched;
            lo[b] = total - matched;
        }
        m_hiBars[t]->setWidth(nb ? width * 0.86 : 1);
        m_loBars[t]->setWidth(nb ? width * 0.86 : 1);
        m_hiBars[t]->setData(keys, hi, true);
        if (highlight)
            m_loBars[t]->setData(keys, lo, true);
        else
            m_loBars[t]->data()->clear(); // nothing to draw: do not pay for thousands of empty bars
    }
    for (int i = 0; i < m_rects.size(); ++i)
        if (!(m_layout == Layout::Lanes && i < m_data.tenantCount()))
            m_rects[i]->axis(QCPAxis::atLeft)->setLabel(valueLabel());
    rescaleValueAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TimelineView::applyRange()
{
    const double lo = double(m_from) / 1000, hi = double(m_to) / 1000;
    for (QCPAxisRect *rect : std::as_const(m_rects))
        rect->axis(QCPAxis::atBottom)->setRange(lo, hi);
    m_ticker->setTimeZone(m_zone);
    m_rects.last()->axis(QCPAxis::atBottom)->setLabel(m_to > m_from ? zoneLabel(m_zone, m_from + (m_to - m_from) / 2) : QString());
    rescaleValueAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT visibleRangeChanged(m_from, m_to);
}

void TimelineView::rescaleValueAxes()
{
    const int nb = m_data.bucketCount();
    const int nt = std::min<int>(m_data.tenantCount(), int(m_hiBars.size()));
    const int c = currencyIndex();
    QVector<double> maxima(m_rects.size(), 0.0);
    for (int b = 0; b < nb; ++b) {
        if (m_data.edges[b + 1] <= m_from || m_data.edges[b] >= m_to)
            continue;
        double stack = 0;
        for (int t = 0; t < nt; ++t) {
            const double v = valueOf(b, t, c);
            if (m_layout == Layout::Lanes && t < maxima.size())
                maxima[t] = std::max(maxima[t], v);
            stack += v;
        }
        if (m_layout == Layout::Stacked)
            maxima[0] = std::max(maxima[0], stack);
    }
    // Counts are whole numbers: never let a small maximum (a few search hits) produce ticks of 0.2.
    const double least = m_mode == Mode::TransactionAmount ? 1.0 : 4.0;
    for (int i = 0; i < m_rects.size(); ++i)
        m_rects[i]->axis(QCPAxis::atLeft)->setRange(0, std::max(maxima[i] * 1.08, least));
}

void TimelineView::updateSelectionItems()
{
    for (QCPItemRect *item : std::as_const(m_selectionItems))
        m_plot->removeItem(item);
    m_selectionItems.clear();
    if (!m_selection)
        return;
    for (QCPAxisRect *rect : std::as_const(m_rects)) {
        auto *item = new QCPItemRect(m_plot);
        item->setClipAxisRect(rect);
        for (QCPItemPosition *p : { item->topLeft, item->bottomRight }) {
            p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            p->setAxisRect(rect);
            p->setTypeX(QCPItemPosition::ptPlotCoords);
            p->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
        item->topLeft->setCoords(double(m_selection->first) / 1000, 0);
        item->bottomRight->setCoords(double(m_selection->second) / 1000, 1);
        item->setPen(QPen(QColor(30, 90, 200, 160)));
        item->setBrush(QColor(30, 90, 200, 40));
        item->setSelectable(false);
        m_selectionItems << item;
    }
}

void TimelineView::updateMarkerItems()
{
    for (QCPAbstractItem *item : std::as_const(m_markerItems))
        m_plot->removeItem(item);
    m_markerItems.clear();
    QPen pen(QColor(200, 30, 30));
    pen.setWidthF(1.5);
    pen.setStyle(Qt::DashLine);
    for (QCPAxisRect *rect : std::as_const(m_rects)) {
        for (qint64 ms : std::as_const(m_markers)) {
            auto *line = new QCPItemStraightLine(m_plot);
            line->setClipAxisRect(rect);
            line->point1->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            line->point2->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            line->point1->setCoords(double(ms) / 1000, 0);
            line->point2->setCoords(double(ms) / 1000, 1);
            line->setPen(pen);
            line->setSelectable(false);
            m_markerItems << line;
        }
        if (m_currentInstant) {
            auto *line = new QCPItemStraightLine(m_plot);
            line->setClipAxisRect(rect);
            line->point1->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            line->point2->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            line->point1->setCoords(double(*m_currentInstant) / 1000, 0);
            line->point2->setCoords(double(*m_currentInstant) / 1000, 1);
            QPen current(QColor(20, 20, 20));
            current.setWidthF(2);
            line->setPen(current);
            line->setSelectable(false);
            m_markerItems << line;
        }
    }
}

std::pair<qint64, qint64> TimelineView::requestRange(qint64 visibleFrom, qint64 visibleTo,
                                                     std::optional<std::pair<qint64, qint64>> extent)
{
    const qint64 pad = (visibleTo - visibleFrom) / 4;
    qint64 from = visibleFrom - pad, to = visibleTo + pad;
    if (extent) {
        from = std::max(from, std::min(extent->first, visibleFrom));
        to = std::min(to, std::max(extent->second, visibleTo));
    }
    return { from, to };
}

double TimelineView::lastReplotMs() const { return m_plot->replotTime(false); }

bool TimelineView::exportPng(const QString &path, int width, int height) { return m_plot->savePng(path, width, height); }

bool TimelineView::exportPdf(const QString &path, int width, int height)
{
    return m_plot->savePdf(path, width, height, QCP::epNoCosmetic, u"Casebook"_s, tr("Timeline"));
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_ticker->setTickCount(std::max(2, m_plot->width() / 85));
}

// ---- interaction ---------------------------------------------------------------------------------

qint64 TimelineView::xToMs(double pixelX) const
{
    return qint64(std::llround(m_rects.first()->axis(QCPAxis::atBottom)->pixelToCoord(pixelX) * 1000));
}

QString TimelineView::toolTipAt(int x) const
{
    const int b = m_data.bucketAt(xToMs(x));
    if (b < 0 || m_data.tenantCount() == 0)
        return {};
    const auto fmt = [&](qint64 ms) {
        return QDateTime::fromMSecsSinceEpoch(ms, m_data.zone).toString(u"yyyy-MM-dd HH:mm"_s);
    };
    QStringList lines;
    lines << fmt(m_data.edges[b]) + u" – " + fmt(m_data.edges[b + 1]) + u"  " + zoneLabel(m_data.zone, m_data.edges[b]);
    for (int t = 0; t < m_data.tenantCount(); ++t) {
        const TimelineCounts &c = m_data.at(b, t);
        QString line = m_data.tenants[t] + u": ";
        if (m_mode == Mode::Events) {
            line += tr("%n event(s)", nullptr, int(c.events));
            if (c.failures || c.denied)
                line += u", " + tr("%1 failed, %2 denied").arg(c.failures).arg(c.denied);
            if (m_data.filtered)
                line += u", " + tr("%1 matching").arg(c.matched);
        } else {
            line += tr("%n transaction(s)", nullptr, int(c.transactions));
            QStringList amounts;
            for (int k = 0; k < m_data.currencies.size(); ++k)
                if (m_data.transactionsAt(b, t, k))
                    amounts << money::format(m_data.amountAt(b, t, k), m_data.currencies[k].toLatin1()) + u' '
                            + m_data.currencies[k];
            if (!amounts.isEmpty())
                line += u": " + amounts.join(u", ");
        }
        lines << line;
    }
    return lines.join(u'\n');
}

void TimelineView::onMousePress(QMouseEvent *e)
{
    m_pressPos = e->position().toPoint();
    m_pressFrom = m_from;
    m_pressTo = m_to;
    QToolTip::hideText();
    if (e->button() == Qt::RightButton || (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier))) {
        m_drag = Drag::Select;
        m_band->setGeometry(QRect(m_pressPos, QSize(1, 1)));
        m_band->show();
    } else if (e->button() == Qt::LeftButton) {
        m_drag = Drag::Pan;
    }
}

void TimelineView::onMouseMove(QMouseEvent *e)
{
    const QPoint pos = e->position().toPoint();
    switch (m_drag) {
    case Drag::Pan: {
        const QCPAxisRect *rect = m_rects.first();
        if (rect->width() <= 0)
            return;
        const double msPerPx = double(m_pressTo - m_pressFrom) / rect->width();
        const qint64 shift = qint64(std::llround(-(pos.x() - m_pressPos.x()) * msPerPx));
        setVisibleRange(m_pressFrom + shift, m_pressTo + shift);
        return;
    }
    case Drag::Select: {
        const QRect top = m_rects.first()->rect();
        const QRect bottom = m_rects.last()->rect();
        m_band->setGeometry(QRect(QPoint(std::min(pos.x(), m_pressPos.x()), top.top()),
                                  QPoint(std::max(pos.x(), m_pressPos.x()), bottom.bottom())));
        return;
    }
    case Drag::None: {
        const QString text = toolTipAt(pos.x());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, m_plot);
        return;
    }
    }
}

void TimelineView::onMouseRelease(QMouseEvent *e)
{
    const Drag drag = m_drag;
    m_drag = Drag::None;
    if (drag != Drag::Select)
        return;
    m_band->hide();
    const int x0 = std::min(m_pressPos.x(), int(e->position().x()));
    const int x1 = std::max(m_pressPos.x(), int(e->position().x()));
    if (x1 - x0 < 3)
        return; // a click, not a band
    qint64 from = xToMs(x0), to = xToMs(x1);
    // Snap outwards to the buckets under the band: the selection is what the bars show.
    const int b0 = m_data.bucketAt(from), b1 = m_data.bucketAt(to);
    if (b0 >= 0)
        from = m_data.edges[b0];
    if (b1 >= 0)
        to = m_data.edges[b1 + 1];
    selectRange(from, to);
}

void TimelineView::onWheel(QWheelEvent *e)
{
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0 || m_to <= m_from)
        return;
    const double factor = std::pow(0.8, steps);
    const qint64 at = xToMs(e->position().x());
    qint64 from = at - qint64(double(at - m_from) * factor);
    qint64 to = at + qint64(double(m_to - at) * factor);
    // Not much further out than all the data.
    if (m_extent) {
        const auto full = Worker::fitRange(*m_extent);
        const qint64 maxSpan = std::max<qint64>(3 * (full.second - full.first), 7 * 24 * kHourMs);
        if (to - from > maxSpan) {
            const qint64 mid = from + (to - from) / 2;
            from = mid - maxSpan / 2;
            to = mid + maxSpan / 2;
        }
    }
    setVisibleRange(from, to);
    e->accept();
}

void TimelineView::onDoubleClick(QMouseEvent *)
{
    m_drag = Drag::None;
    m_band->hide();
    resetRange();
    clearSelection();
}

} // namespace casebook
