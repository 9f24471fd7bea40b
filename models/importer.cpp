// SPDX-License-Identifier: GPL-3.0-or-later
#include "importer.h"

#include "archivesource.h"
#include "csvreader.h"
#include "formatparser.h"
#include "journal.h"
#include "keyring.h"
#include "manifest.h"
#include "money.h"
#include "searchextensions.h"
#include "secondaryindexes.h"
#include "sha256.h"
#include "sqlitedb.h"
#include "searchcells.h"
#include "timelinerollups.h"
#include "timestamp.h"
#include "workspace.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QTemporaryFile>
#include <QTimeZone>

#include <simdjson.h>
#include <sqlite3.h>

#include <arpa/inet.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <atomic>
#include <ctime>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

Q_LOGGING_CATEGORY(lcImport, "casebook.models.import")

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("Importer", s); }

constexpr int64_t kMaxLineBytes = 16 << 20; ///< a JSON line longer than this is quarantined unread
constexpr int64_t kMaxRawBytes = 4096; ///< raw text kept in quarantine
constexpr int kBatchRows = 4096;
/// The page cache while rows go in: index pages stay in memory instead of being spilled to the WAL
/// and read back (which made imports I/O-bound), bounded so an import stays under 256 MB resident.
constexpr const char *kLoadCacheSize = "PRAGMA cache_size = -98304"; // 96 MiB
/// While rows are grouped afterwards (rollups, entity rebuild): the sorter may use as much as the cache.
constexpr const char *kGroupCacheSize = "PRAGMA cache_size = -16384"; // 16 MiB
constexpr qsizetype kBatchArenaBytes = 4 << 20;

// ---------------------------------------------------------------------------------------------
// Batches: rows parsed on the producer thread, inserted on the consumer thread. Strings live in one
// arena per batch so a row costs no allocation; the consumer binds them without copying.

struct Str
{
    int32_t off = 0;
    int32_t len = -1; ///< -1 = NULL
};

enum class RowKind { Event, Transaction, Account };

// Column layouts. The raw record text is always the last string (kept for duplicate-id quarantine).
namespace ev {
enum { EventId, TsText, Actor, ActorName, ActorRole, SourceIp, Action, Resource, Outcome, SessionId, Details, Extra, Raw, NStr };
enum { Line, TsUtc, TsOff, NInt };
} // namespace ev
namespace tx {
enum {
    TxnId, TsText, ValueDate, DebtorAccount, DebtorName, DebtorBank, CreditorAccount, CreditorName, CreditorBank,
    AmountText, Currency, Channel, Status, Reference, Memo, Extra, Raw, NStr
};
enum { Line, TsUtc, TsOff, AmountE4, NInt };
} // namespace tx
namespace ac {
enum { Account, HolderName, HolderId, Opened, Type, Status, Extra, Raw, NStr };
enum { Line, NInt };
} // namespace ac

/// CPU time of the calling thread (phase log).
int64_t threadCpuNs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
}

int strCount(RowKind k) { return k == RowKind::Event ? int(ev::NStr) : k == RowKind::Transaction ? int(tx::NStr) : int(ac::NStr); }
int intCount(RowKind k) { return k == RowKind::Event ? int(ev::NInt) : k == RowKind::Transaction ? int(tx::NInt) : int(ac::NInt); }

struct QuarantineItem
{
    int64_t line;
    QString reason;
    QByteArray raw;
};

QString quoted(QByteArrayView v) { return u'"' + QString::fromUtf8(v.first(std::min<qsizetype>(v.size(), 80))) + u'"'; }

/// The folder of the workspace file open on `db`; empty for an in-memory or temporary database.
QString workspaceFolder(SqliteDb &db)
{
    const char *file = sqlite3_db_filename(db.handle(), "main");
    return file && *file ? QFileInfo(QString::fromUtf8(file)).absolutePath() : QString();
}

/// Linked-entity aggregates (entity_stats rows) of a run of rows, sorted by key so the consumer
/// writes the b-tree in order. Keyed by kind \x1f key \x1f currency.
struct EntityEntry
{
    QByteArray key;
    QByteArray display;
    int64_t count = 0, sumE4 = 0;
    int64_t first = std::numeric_limits<int64_t>::max(), last = std::numeric_limits<int64_t>::min();
};

/// Sums linked entities (accounts, IPs, actors, names) on the producer thread, so the inserting
/// thread only writes the sums. Bounded: past ImportRequest::entityChunk distinct keys the producer
/// takes a sorted run, spills it (EntitySpill) and starts over.
class EntityAggregator
{
public:
    /// False when a sum overflows.
    bool addEvent(QByteArrayView ip, QByteArrayView actor, QByteArrayView actorName, int64_t ts)
    {
        return add("ip", ip, ip, {}, 0, ts) && add("actor", actor, actor, {}, 0, ts) && addName(actorName, {}, 0, ts);
    }
    bool addTransaction(QByteArrayView debtor, QByteArrayView creditor, QByteArrayView debtorName,
                        QByteArrayView creditorName, QByteArrayView currency, int64_t amount, int64_t ts)
    {
        return add("account", debtor, debtor, currency, amount, ts) && add("account", creditor, creditor, currency, amount, ts)
            && addName(debtorName, currency, amount, ts) && addName(creditorName, currency, amount, ts);
    }
    qsizetype size() const { return m_map.size(); }
    /// The sums so far, sorted by key; the aggregator starts empty again.
    std::vector<EntityEntry> take()
    {
        std::vector<EntityEntry> out;
        out.reserve(size_t(m_map.size()));
        for (auto it = m_map.begin(); it != m_map.end(); ++it) {
            out.push_back(std::move(it.value()));
            out.back().key = it.key();
        }
        m_map.clear();
        std::sort(out.begin(), out.end(), [](const EntityEntry &a, const EntityEntry &b) { return a.key < b.key; });
        return out;
    }

private:
    bool add(const char *kind, QByteArrayView key, QByteArrayView display, QByteArrayView currency, int64_t amount, int64_t ts)
    {
        if (key.isEmpty())
            return true;
        m_key.clear();
        m_key.append(kind).append('\x1f').append(key.data(), key.size()).append('\x1f').append(currency.data(), currency.size());
        EntityEntry &a = m_map[m_key];
        if (a.count == 0 || display.compare(a.display) < 0)
            a.display = display.toByteArray();
        ++a.count;
        a.first = std::min(a.first, ts);
        a.last = std::max(a.last, ts);
        return money::addChecked(a.sumE4, amount);
    }
    bool addName(QByteArrayView name, QByteArrayView currency, int64_t amount, int64_t ts)
    {
        if (name.isEmpty())
            return true;
        return add("name", nameKeyUtf8(name), name, currency, amount, ts);
    }

    QHash<QByteArray, EntityEntry> m_map;
    QByteArray m_key;
};

/// Sorted runs of entity sums in a temporary file, merged at the end of the archive into one sorted
/// stream with the sums of equal keys added up. So the inserting thread writes every entity once and
/// in key order, instead of one upsert per entity and run scattered over the whole entity_stats
/// b-tree (which was ~27 % of its load time at 2M rows, more once entity_stats outgrew the cache).
/// Producer thread only.
class EntitySpill
{
public:
    /// Runs go to a hidden temporary file in `dir` (the workspace's folder, which has room for the
    /// data, where the system's temporary folder is often memory); QDir::tempPath() when empty.
    explicit EntitySpill(const QString &dir)
        : m_file((dir.isEmpty() ? QDir::tempPath() : dir) + QStringLiteral("/.casebook-entities-XXXXXX"))
    {
    }
    bool isEmpty() const { return m_runs.empty(); }

    /// Appends a run (sorted by key, keys unique).
    Status write(const std::vector<EntityEntry> &run)
    {
        if (run.empty())
            return ok();
        if (!m_file.isOpen() && !m_file.open())
            return Error(Error::Code::Io, tr("Cannot create a temporary file for linked entities: %1").arg(m_file.errorString()));
        const qint64 start = m_file.pos();
        QByteArray buf;
        buf.reserve(1 << 20);
        const auto flush = [&] {
            const bool written = m_file.write(buf) == buf.size();
            buf.clear();
            return written;
        };
        for (const EntityEntry &e : run) {
            appendBytes(buf, e.key);
            appendBytes(buf, e.display);
            for (int64_t v : { e.count, e.sumE4, e.first, e.last })
                buf.append(reinterpret_cast<const char *>(&v), sizeof v);
            if (buf.size() >= (1 << 20) && !flush())
                return writeError();
        }
        if (!flush())
            return writeError();
        m_runs.push_back({ start, m_file.pos() });
        return ok();
    }

    /// Merges the runs in key order (sums of equal keys added, the smallest display kept)
    /// and hands the result to `sink` in pieces of at most `piece` entries. An error from `sink` stops.
    Status merge(size_t piece, const std::function<Status(std::vector<EntityEntry> &&)> &sink)
    {
        // Every run has a read buffer while they are merged: its size shrinks with the number of runs
        // (64 KiB each up to 128 runs, 4 KiB at 2048 and more), so the merge's memory stays near 8 MiB
        // rather than growing by 64 KiB per run.
        m_chunk = std::clamp<qint64>(qint64(8 << 20) / qint64(std::max<size_t>(m_runs.size(), 1)), 4 << 10, 64 << 10);
        std::vector<Reader> readers;
        readers.reserve(m_runs.size());
        for (const auto &[from, to] : m_runs)
            readers.push_back(Reader { from, to, {}, 0, {} });
        // Min-heap of readers by (current key, run): equal keys come out earliest run first.
        const auto after = [&](int a, int b) {
            const int c = readers[size_t(a)].entry.key.compare(readers[size_t(b)].entry.key);
            return c != 0 ? c > 0 : a > b;
        };
        std::vector<int> heap;
        for (int i = 0; i < int(readers.size()); ++i) {
            auto more = next(readers[size_t(i)]);
            if (!more)
                return more.error();
            if (*more)
                heap.push_back(i);
        }
        std::make_heap(heap.begin(), heap.end(), after);
        std::vector<EntityEntry> out;
        out.reserve(piece);
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), after);
            const int r = heap.back();
            EntityEntry &e = readers[size_t(r)].entry;
            if (!out.empty() && out.back().key == e.key) {
                EntityEntry &sum = out.back();
                sum.count += e.count;
                sum.first = std::min(sum.first, e.first);
                sum.last = std::max(sum.last, e.last);
                if (e.display < sum.display)
                    sum.display = std::move(e.display);
                if (!money::addChecked(sum.sumE4, e.sumE4)) {
                    const qsizetype s2 = e.key.lastIndexOf('\x1f');
                    return Error(Error::Code::Archive, tr("linked entities: the sum of the amounts of %1 %2 in %3 overflows")
                                                           .arg(QString::fromUtf8(e.key.first(e.key.indexOf('\x1f'))), quoted(QByteArrayView(sum.display)),
                                                                QString::fromUtf8(e.key.sliced(s2 + 1))));
                }
            } else {
                if (out.size() >= piece) { // keys come in order: the entries so far are complete
                    if (auto st = sink(std::move(out)); !st)
                        return st;
                    out = {};
                    out.reserve(piece);
                }
                out.push_back(std::move(e));
            }
            auto more = next(readers[size_t(r)]);
            if (!more)
                return more.error();
            if (*more) {
                std::push_heap(heap.begin(), heap.end(), after);
            } else {
                heap.pop_back();
                readers[size_t(r)].buf = QByteArray(); // this run is done: free its buffer now
            }
        }
        m_runs.clear();
        m_file.resize(0);
        if (out.empty())
            return ok();
        return sink(std::move(out));
    }

private:
    struct Reader
    {
        qint64 pos = 0, end = 0; ///< file range not yet in `buf`
        QByteArray buf;
        qsizetype at = 0;
        EntityEntry entry; ///< the current entry
    };

    static void appendBytes(QByteArray &buf, const QByteArray &b)
    {
        const uint32_t n = uint32_t(b.size());
        buf.append(reinterpret_cast<const char *>(&n), sizeof n).append(b);
    }
    qint64 m_chunk = 64 << 10; ///< bytes read per refill of a run's buffer (see merge())
    Error writeError() const { return Error(Error::Code::Io, tr("Cannot write a temporary file for linked entities: %1").arg(m_file.errorString())); }

    /// Makes `n` bytes available at r.buf[r.at]; false at the end of the run.
    bool fill(Reader &r, qsizetype n)
    {
        const qsizetype have = r.buf.size() - r.at;
        if (have >= n)
            return true;
        const qint64 want = std::min<qint64>(r.end - r.pos, std::max<qint64>(n - have, m_chunk));
        if (want < n - have)
            return false;
        r.buf.remove(0, r.at);
        r.at = 0;
        const qsizetype old = r.buf.size();
        r.buf.resize(old + qsizetype(want));
        if (!m_file.seek(r.pos) || m_file.read(r.buf.data() + old, want) != want)
            return false;
        r.pos += want;
        return true;
    }
    /// Reads the next entry of `r` into r.entry: true if there was one.
    Result<bool> next(Reader &r)
    {
        if (r.at == r.buf.size() && r.pos == r.end)
            return false;
        const auto bytes = [&](QByteArray &into) {
            uint32_t n = 0;
            if (!fill(r, sizeof n))
                return false;
            memcpy(&n, r.buf.constData() + r.at, sizeof n);
            r.at += sizeof n;
            if (!fill(r, qsizetype(n)))
                return false;
            into = QByteArray(r.buf.constData() + r.at, qsizetype(n));
            r.at += qsizetype(n);
            return true;
        };
        if (!bytes(r.entry.key) || !bytes(r.entry.display) || !fill(r, 4 * sizeof(int64_t)))
            return Error(Error::Code::Io, tr("Cannot read a temporary file for linked entities: %1").arg(m_file.errorString()));
        int64_t v[4];
        memcpy(v, r.buf.constData() + r.at, sizeof v);
        r.at += qsizetype(sizeof v);
        r.entry.count = v[0];
        r.entry.sumE4 = v[1];
        r.entry.first = v[2];
        r.entry.last = v[3];
        return true;
    }

    QTemporaryFile m_file;
    std::vector<std::pair<qint64, qint64>> m_runs; ///< [from, to) of each run in the file
};

struct Batch
{
    RowKind kind = RowKind::Event;
    int fileIndex = 0;
    QByteArray arena;
    std::vector<Str> strs;
    std::vector<int64_t> ints;
    std::vector<QuarantineItem> quarantine;
    int rows = 0;
    int64_t bytesDone = 0;
    std::vector<std::vector<EntityEntry>> entityChunks; ///< entity sums to write, in key order (after the last row)

    Str add(QByteArrayView v)
    {
        Str s { int32_t(arena.size()), int32_t(v.size()) };
        arena.append(v.data(), v.size());
        return s;
    }
    QByteArrayView view(Str s) const
    {
        return s.len < 0 ? QByteArrayView() : QByteArrayView(arena.constData() + s.off, s.len);
    }
};

/// Bounded single-producer single-consumer queue; `finish(status)` ends the stream.
class BatchQueue
{
public:
    bool push(std::unique_ptr<Batch> b)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_queue.size() < kCapacity || m_abandoned; });
        if (m_abandoned)
            return false;
        m_queue.push_back(std::move(b));
        m_notEmpty.notify_one();
        return true;
    }
    /// Returns null when finished (then `status()` tells how).
    std::unique_ptr<Batch> pop()
    {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [&] { return !m_queue.empty() || m_finished; });
        if (m_queue.empty())
            return nullptr;
        auto b = std::move(m_queue.front());
        m_queue.pop_front();
        m_notFull.notify_one();
        return b;
    }
    void finish(Status st)
    {
        std::lock_guard lock(m_mutex);
        m_status = std::move(st);
        m_finished = true;
        m_notEmpty.notify_all();
    }
    /// Consumer gives up: unblocks the producer, whose next push fails.
    void abandon()
    {
        std::lock_guard lock(m_mutex);
        m_abandoned = true;
        m_notFull.notify_all();
    }
    Status status()
    {
        std::lock_guard lock(m_mutex);
        return m_status;
    }

private:
    static constexpr size_t kCapacity = 4; // batches parsed ahead: enough to keep both threads busy
    std::mutex m_mutex;
    std::condition_variable m_notEmpty, m_notFull;
    std::deque<std::unique_ptr<Batch>> m_queue;
    bool m_finished = false;
    bool m_abandoned = false;
    Status m_status = ok();
};

// ---------------------------------------------------------------------------------------------
// Helpers shared by the parsers.

QByteArray lossyRaw(QByteArrayView raw)
{
    QByteArrayView v = raw.first(std::min<qsizetype>(raw.size(), kMaxRawBytes));
    if (simdjson::validate_utf8(v.data(), size_t(v.size())))
        return v.toByteArray();
    // Invalid UTF-8 (or a multi-byte sequence cut by the cap): replace bad bytes with U+FFFD.
    return QString::fromUtf8(v).toUtf8();
}

using formats::appendJsonString; // one JSON string escaper for every parser

bool isIpAddress(QByteArrayView s)
{
    if (s.size() > 45)
        return false;
    char buf[64];
    memcpy(buf, s.data(), size_t(s.size()));
    buf[s.size()] = 0;
    unsigned char out[16];
    return inet_pton(AF_INET, buf, out) == 1 || inet_pton(AF_INET6, buf, out) == 1;
}

bool isCurrencyCode(QByteArrayView s)
{
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}


// ---------------------------------------------------------------------------------------------
// Per-file parsers. Each consumes chunks and emits rows/quarantine items into the current batch.

class Producer;

class FileParser
{
public:
    virtual ~FileParser() = default;
    virtual Status chunk(QByteArrayView data) = 0;
    virtual Status finish() = 0;
    int64_t records = 0; ///< data records seen (imported + quarantined), as the manifest counts them
};

/// Producer side of the pipeline: runs on its own thread, streams the archive, hashes and checks each
/// file against the manifest, parses rows into batches.
class Producer final : public ArchiveVisitor
{
public:
    Producer(const Manifest &m, const QTimeZone &zone, BatchQueue &q, std::atomic_bool &stop, int entityChunk, const QString &spillDir)
        : m_entityChunk(std::max(1, entityChunk))
        , m_manifest(m)
        , m_zone(zone)
        , m_queue(q)
        , m_stop(stop)
        , m_spill(spillDir)
    {
        for (int i = 0; i < m.files.size(); ++i)
            m_index.insert(m.files[i].path, i);
    }

    Status beginFile(const QString &path) override;
    Status chunk(QByteArrayView data) override;
    Status endFile() override;

    // Used by the parsers.
    Batch &batch(RowKind kind)
    {
        if (!m_batch || m_batch->kind != kind)
            newBatch(kind);
        return *m_batch;
    }
    /// Call after a row was appended; ships the batch when full.
    Status rowDone()
    {
        if (auto st = aggregate(*m_batch, m_batch->rows); !st)
            return st;
        ++m_batch->rows;
        if (m_batch->rows >= kBatchRows || m_batch->arena.size() >= kBatchArenaBytes)
            return ship();
        return ok();
    }
    void quarantine(RowKind kind, int64_t line, QString reason, QByteArrayView raw)
    {
        Batch &b = batch(kind);
        b.quarantine.push_back({ line, std::move(reason), lossyRaw(raw) });
        // A file of nothing but bad rows must not grow one batch without bound. A failed ship means
        // the consumer gave up; the next chunk() sees the stop flag.
        if (b.quarantine.size() >= size_t(kBatchRows))
            ship();
    }
    Status ship()
    {
        if (!m_batch)
            return ok();
        m_batch->bytesDone = m_bytesTotal;
        if (!m_queue.push(std::move(m_batch)))
            return Error(Error::Code::Cancelled, tr("Import cancelled"));
        m_batch.reset();
        return ok();
    }
    /// Ships the entity sums (after the last file): all in one piece when they fitted in memory, else
    /// merged from the spilled runs in pieces, in key order either way.
    Status finishEntities()
    {
        if ((m_entities.size() == 0 && m_spill.isEmpty()) || m_manifest.files.isEmpty())
            return ok();
        m_fileIndex = std::max(m_fileIndex, 0);
        if (m_spill.isEmpty()) {
            batch(RowKind::Event).entityChunks.push_back(m_entities.take());
            return ship();
        }
        if (auto st = m_spill.write(m_entities.take()); !st)
            return st;
        return m_spill.merge(size_t(std::clamp(m_entityChunk / 4, 1, 1 << 14)), [&](std::vector<EntityEntry> &&piece) {
            if (m_stop.load(std::memory_order_relaxed))
                return Status(Error(Error::Code::Cancelled, tr("Import cancelled")));
            batch(RowKind::Event).entityChunks.push_back(std::move(piece));
            return ship();
        });
    }
    const QTimeZone &zone() const { return m_zone; }
    const QString &currentPath() const { return m_file->path; }
    Error fileError(const QString &what) const { return Error(Error::Code::Archive, m_file->path + u": " + what); }

private:
    Status aggregate(Batch &b, int r)
    {
        const int64_t *n = &b.ints[size_t(r * intCount(b.kind))];
        const Str *str = &b.strs[size_t(r * strCount(b.kind))];
        bool fits = true;
        if (b.kind == RowKind::Event) {
            fits = m_entities.addEvent(b.view(str[ev::SourceIp]), b.view(str[ev::Actor]), b.view(str[ev::ActorName]), n[ev::TsUtc]);
        } else if (b.kind == RowKind::Transaction) {
            fits = m_entities.addTransaction(b.view(str[tx::DebtorAccount]), b.view(str[tx::CreditorAccount]),
                                             b.view(str[tx::DebtorName]), b.view(str[tx::CreditorName]),
                                             b.view(str[tx::Currency]), n[tx::AmountE4], n[tx::TsUtc]);
        } else {
            return ok();
        }
        if (!fits)
            return fileError(tr("line %1: the sum of %2 amounts overflows").arg(n[0]).arg(QString::fromUtf8(b.view(str[tx::Currency]))));
        if (m_entities.size() >= m_entityChunk)
            return m_spill.write(m_entities.take());
        return ok();
    }

    void newBatch(RowKind kind)
    {
        if (m_batch)
            ship(); // a kind change mid-file cannot happen; between files the batch was shipped
        m_batch = std::make_unique<Batch>();
        m_batch->kind = kind;
        m_batch->fileIndex = m_fileIndex;
        m_batch->arena.reserve(kBatchArenaBytes + (1 << 20));
        m_batch->strs.reserve(size_t(kBatchRows * strCount(kind)));
        m_batch->ints.reserve(size_t(kBatchRows * intCount(kind)));
    }

    int m_entityChunk;
    const Manifest &m_manifest;
    QTimeZone m_zone;
    BatchQueue &m_queue;
    std::atomic_bool &m_stop;
    QHash<QString, int> m_index;
    int m_fileIndex = -1;
    const ManifestFile *m_file = nullptr;
    Sha256 m_hash;
    int64_t m_fileBytes = 0;
    int64_t m_bytesTotal = 0;
    std::unique_ptr<FileParser> m_parser;
    std::unique_ptr<Batch> m_batch;
    EntityAggregator m_entities;
    EntitySpill m_spill;
};

// ---- sea-jsonl audit events ----------------------------------------------------------------

class JsonlEventParser final : public FileParser
{
public:
    explicit JsonlEventParser(Producer &p)
        : m_p(p)
    {
    }

    Status chunk(QByteArrayView data) override
    {
        qsizetype pos = 0;
        while (pos < data.size()) {
            const char *nl = static_cast<const char *>(memchr(data.data() + pos, '\n', size_t(data.size() - pos)));
            const qsizetype end = nl ? nl - data.data() : data.size();
            const QByteArrayView piece = data.sliced(pos, end - pos);
            if (m_skipping) {
                // Inside an over-long line: keep nothing but the first bytes for the quarantine record.
            } else if (m_line.size() + piece.size() > kMaxLineBytes) {
                m_skipping = true;
                m_line.truncate(std::min<qsizetype>(m_line.size(), kMaxRawBytes));
            } else {
                m_line.append(piece.data(), piece.size());
            }
            if (!nl)
                break;
            auto st = endLine();
            if (!st)
                return st;
            pos = end + 1;
        }
        return ok();
    }

    Status finish() override
    {
        if (!m_line.isEmpty() || m_skipping)
            return endLine();
        return ok();
    }

private:
    Status endLine()
    {
        const int64_t lineNo = m_lineNo++;
        if (m_skipping) {
            m_skipping = false;
            ++records;
            m_p.quarantine(RowKind::Event, lineNo, tr("line is longer than %1 MiB").arg(kMaxLineBytes >> 20), m_line);
            m_line.clear();
            return ok();
        }
        QByteArrayView line(m_line);
        if (line.endsWith('\r'))
            line.chop(1);
        if (lineNo == 1 && line.startsWith("\xEF\xBB\xBF"))
            line = line.sliced(3);
        bool blank = true;
        for (char c : line)
            if (c != ' ' && c != '\t') {
                blank = false;
                break;
            }
        if (!blank) {
            ++records;
            auto st = parseLine(lineNo, line);
            if (!st)
                return st;
        }
        m_line.clear();
        return ok();
    }

    Status parseLine(int64_t lineNo, QByteArrayView line)
    {
        const auto fail = [&](const QString &reason) {
            m_p.quarantine(RowKind::Event, lineNo, reason, line);
            return ok();
        };
        m_padded.resize(size_t(line.size()) + simdjson::SIMDJSON_PADDING);
        memcpy(m_padded.data(), line.data(), size_t(line.size()));
        simdjson::dom::element doc;
        if (auto err = m_parser.parse(m_padded.data(), size_t(line.size()), false).get(doc)) {
            if (err == simdjson::UTF8_ERROR)
                return fail(tr("invalid UTF-8"));
            return fail(tr("invalid JSON: %1").arg(QString::fromUtf8(simdjson::error_message(err))));
        }
        simdjson::dom::object obj;
        if (doc.get_object().get(obj))
            return fail(tr("line is not a JSON object"));

        enum Key { KEventId, KTs, KActor, KActorName, KActorRole, KSourceIp, KAction, KResource, KOutcome, KSessionId, KDetails, KCount };
        static const std::string_view names[KCount] = { "event_id", "ts", "actor", "actor_name", "actor_role",
                                                        "source_ip", "action", "resource", "outcome", "session_id",
                                                        "details" };
        static const int columns[KCount] = { ev::EventId, ev::TsText, ev::Actor, ev::ActorName, ev::ActorRole,
                                             ev::SourceIp, ev::Action, ev::Resource, ev::Outcome, ev::SessionId,
                                             ev::Details };
        std::string_view values[KCount];
        bool present[KCount] = {};
        QByteArray extra;
        for (auto field : obj) {
            int k = 0;
            while (k < KCount && names[k] != field.key)
                ++k;
            if (k == KCount) {
                extra.append(extra.isEmpty() ? "{" : ",");
                appendJsonString(extra, QByteArrayView(field.key.data(), qsizetype(field.key.size())));
                extra.append(':');
                const std::string m = simdjson::minify(field.value);
                extra.append(m.data(), qsizetype(m.size()));
                continue;
            }
            if (present[k])
                return fail(tr("key \"%1\" occurs twice").arg(QLatin1StringView(names[k].data(), names[k].size())));
            present[k] = true;
            if (k == KDetails) {
                if (field.value.is_null()) {
                    present[k] = false;
                    continue;
                }
                if (!field.value.is_object())
                    return fail(tr("details is not a JSON object"));
                m_details = simdjson::minify(field.value);
                values[k] = m_details;
                continue;
            }
            if (field.value.is_null()) {
                present[k] = false;
                continue;
            }
            if (field.value.get_string().get(values[k]))
                return fail(tr("%1 is not a string").arg(QLatin1StringView(names[k].data(), names[k].size())));
        }
        if (!extra.isEmpty())
            extra.append('}');
        const auto sv = [&](int k) { return QByteArrayView(values[k].data(), qsizetype(values[k].size())); };
        for (int k : { KEventId, KTs, KActor, KAction, KOutcome })
            if (!present[k] || values[k].empty())
                return fail(tr("%1 is missing or empty").arg(QLatin1StringView(names[k].data(), names[k].size())));
        const QByteArrayView outcome = sv(KOutcome);
        if (outcome != "success" && outcome != "failure" && outcome != "denied")
            return fail(tr("outcome %1 is not success, failure or denied").arg(quoted(outcome)));
        if (present[KSourceIp] && !values[KSourceIp].empty() && !isIpAddress(sv(KSourceIp)))
            return fail(tr("source_ip %1 is not an IPv4 or IPv6 address").arg(quoted(sv(KSourceIp))));
        const TimestampParse ts = parseTimestamp(sv(KTs), m_p.zone());
        if (!ts.error.isEmpty())
            return fail(tr("ts %1: %2").arg(quoted(sv(KTs)), ts.error));

        Batch &b = m_p.batch(RowKind::Event);
        const size_t base = b.strs.size();
        b.strs.resize(base + ev::NStr);
        for (int k = 0; k < KCount; ++k)
            if (present[k] && (k == KDetails || !values[k].empty()))
                b.strs[base + size_t(columns[k])] = b.add(sv(k));
        if (!extra.isEmpty())
            b.strs[base + ev::Extra] = b.add(extra);
        b.strs[base + ev::Raw] = b.add(line);
        b.ints.push_back(lineNo);
        b.ints.push_back(ts.ts.utcMs);
        b.ints.push_back(ts.ts.offsetSeconds);
        return m_p.rowDone();
    }

    Producer &m_p;
    QByteArray m_line;
    bool m_skipping = false;
    int64_t m_lineNo = 1;
    std::vector<char> m_padded;
    std::string m_details;
    simdjson::dom::parser m_parser;
};

// ---- sea-csv transactions and accounts.csv ----------------------------------------------------

class CsvTableParser final : public FileParser
{
public:
    CsvTableParser(Producer &p, RowKind kind)
        : m_p(p)
        , m_kind(kind)
    {
    }

    Status chunk(QByteArrayView data) override
    {
        m_reader.feed(data, [this](const CsvRecord &r) { return onRecord(r); });
        return m_status;
    }

    Status finish() override
    {
        m_reader.finish([this](const CsvRecord &r) { return onRecord(r); });
        if (!m_status)
            return m_status;
        if (m_reader.unterminatedQuote()) {
            if (!m_haveHeader)
                return m_p.fileError(tr("the header row has an unterminated quoted field"));
            ++records;
            m_p.quarantine(m_kind, m_reader.unterminatedQuoteLine(),
                           tr("unterminated quoted field (runs to the end of the file)"), QByteArrayView());
        }
        if (!m_haveHeader)
            return m_p.fileError(tr("the file is empty (a header row is required)"));
        return ok();
    }

private:
    bool onRecord(const CsvRecord &r)
    {
        if (!m_haveHeader) {
            m_status = header(r);
            m_haveHeader = true;
            return bool(m_status);
        }
        ++records;
        m_status = row(r);
        return bool(m_status);
    }

    Status header(const CsvRecord &r)
    {
        if (r.oversized || r.malformedQuote)
            return m_p.fileError(tr("line %1: the header row is malformed").arg(r.line));
        if (!simdjson::validate_utf8(r.raw.data(), size_t(r.raw.size())))
            return m_p.fileError(tr("line %1: the header row is not valid UTF-8").arg(r.line));
        static const char *const txCols[] = { "txn_id", "ts", "value_date", "debtor_account", "debtor_name", "debtor_bank",
                                              "creditor_account", "creditor_name", "creditor_bank", "amount",
                                              "currency", "channel", "status", "reference", "memo" };
        static const int txMap[] = { tx::TxnId, tx::TsText, tx::ValueDate, tx::DebtorAccount, tx::DebtorName,
                                     tx::DebtorBank, tx::CreditorAccount, tx::CreditorName, tx::CreditorBank,
                                     tx::AmountText, tx::Currency, tx::Channel, tx::Status, tx::Reference, tx::Memo };
        static const char *const acCols[] = { "account", "holder_name", "holder_id", "opened", "type", "status" };
        static const int acMap[] = { ac::Account, ac::HolderName, ac::HolderId, ac::Opened, ac::Type, ac::Status };
        const bool isTx = m_kind == RowKind::Transaction;
        const int nKnown = isTx ? 15 : 6;
        const char *const *cols = isTx ? txCols : acCols;
        const int *map = isTx ? txMap : acMap;
        QSet<QByteArray> seen;
        m_columnOf.clear();
        m_names.clear();
        for (QByteArrayView f : *r.fields) {
            const QByteArray name = f.trimmed().toByteArray();
            if (name.isEmpty())
                return m_p.fileError(tr("line %1: the header has an empty column name").arg(r.line));
            if (seen.contains(name))
                return m_p.fileError(tr("line %1: column \"%2\" appears twice in the header").arg(r.line).arg(QString::fromUtf8(name)));
            seen.insert(name);
            int col = -1;
            for (int k = 0; k < nKnown; ++k)
                if (name == cols[k])
                    col = map[k];
            m_columnOf.push_back(col);
            m_names.push_back(name);
        }
        const QList<QByteArray> required = isTx ? QList<QByteArray> { "txn_id", "ts", "amount", "currency" } : QList<QByteArray> { "account" };
        for (const QByteArray &req : required)
            if (!seen.contains(req))
                return m_p.fileError(tr("line %1: the header lacks the required column \"%2\"").arg(r.line).arg(QString::fromLatin1(req)));
        return ok();
    }

    Status row(const CsvRecord &r)
    {
        const auto fail = [&](const QString &reason) {
            m_p.quarantine(m_kind, r.line, reason, r.raw);
            return ok();
        };
        if (r.oversized)
            return fail(tr("a field is larger than 1 MiB"));
        if (r.malformedQuote)
            return fail(tr("malformed quoting (a quote inside an unquoted field, or text after a closing quote)"));
        const auto &fields = *r.fields;
        if (fields.size() != m_columnOf.size())
            return fail(tr("%1 fields, but the header has %2").arg(fields.size()).arg(m_columnOf.size()));
        // The raw text covers every field, so one validation pass covers them all.
        if (!simdjson::validate_utf8(r.raw.data(), size_t(r.raw.size())))
            return fail(tr("invalid UTF-8"));

        const int nStr = strCount(m_kind);
        QByteArrayView v[tx::NStr];
        QByteArray extra;
        for (size_t i = 0; i < fields.size(); ++i) {
            if (m_columnOf[i] >= 0) {
                v[m_columnOf[i]] = fields[i];
            } else if (!fields[i].isEmpty()) {
                extra.append(extra.isEmpty() ? "{" : ",");
                appendJsonString(extra, m_names[i]);
                extra.append(':');
                appendJsonString(extra, fields[i]);
            }
        }
        if (!extra.isEmpty())
            extra.append('}');

        if (m_kind == RowKind::Account) {
            if (v[ac::Account].isEmpty())
                return fail(tr("account is empty"));
            Batch &b = m_p.batch(RowKind::Account);
            const size_t base = b.strs.size();
            b.strs.resize(base + size_t(nStr));
            for (int k = 0; k < ac::Extra; ++k)
                if (!v[k].isEmpty())
                    b.strs[base + size_t(k)] = b.add(v[k]);
            if (!extra.isEmpty())
                b.strs[base + ac::Extra] = b.add(extra);
            b.strs[base + ac::Raw] = b.add(r.raw);
            b.ints.push_back(r.line);
            return m_p.rowDone();
        }

        if (v[tx::TxnId].isEmpty())
            return fail(tr("txn_id is empty"));
        const TimestampParse ts = parseTimestamp(v[tx::TsText], m_p.zone());
        if (!ts.error.isEmpty())
            return fail(tr("ts %1: %2").arg(quoted(v[tx::TsText]), ts.error));
        int y, mo, d;
        if (!v[tx::ValueDate].isEmpty() && !parseDate(v[tx::ValueDate], y, mo, d))
            return fail(tr("value_date %1 is not a YYYY-MM-DD date").arg(quoted(v[tx::ValueDate])));
        const money::Parsed amount = money::parse(v[tx::AmountText]);
        if (amount.error)
            return fail(tr("amount %1: %2").arg(quoted(v[tx::AmountText]), money::describe(*amount.error)));
        if (!isCurrencyCode(v[tx::Currency]))
            return fail(tr("currency %1 is not an ISO 4217 code").arg(quoted(v[tx::Currency])));
        const QByteArrayView status = v[tx::Status];
        if (!status.isEmpty() && status != "booked" && status != "pending" && status != "rejected" && status != "reversed")
            return fail(tr("status %1 is not booked, pending, rejected or reversed").arg(quoted(status)));

        Batch &b = m_p.batch(RowKind::Transaction);
        const size_t base = b.strs.size();
        b.strs.resize(base + size_t(nStr));
        for (int k = 0; k < tx::Extra; ++k)
            if (!v[k].isEmpty())
                b.strs[base + size_t(k)] = b.add(v[k]);
        if (!extra.isEmpty())
            b.strs[base + tx::Extra] = b.add(extra);
        b.strs[base + tx::Raw] = b.add(r.raw);
        b.ints.push_back(r.line);
        b.ints.push_back(ts.ts.utcMs);
        b.ints.push_back(ts.ts.offsetSeconds);
        b.ints.push_back(amount.e4);
        return m_p.rowDone();
    }

    Producer &m_p;
    RowKind m_kind;
    CsvReader m_reader;
    bool m_haveHeader = false;
    std::vector<int> m_columnOf; ///< per CSV column: our column, or -1 for an extra attribute
    std::vector<QByteArray> m_names;
    Status m_status = ok();
};

// ---- whole-file formats (cloudtrail, camt.05x, mt940): buffered, then parsed by a FormatParser ----

/// Writes what a FormatParser reads into the producer's batches, in the same layout as the SEA parsers.
class BatchSink final : public RecordSink
{
public:
    BatchSink(Producer &p, RowKind kind)
        : m_p(p)
        , m_kind(kind)
    {
    }

    Status event(const EventRecord &e) override
    {
        if (m_kind != RowKind::Event)
            return Error(Error::Code::Parse, tr("internal error: an audit event from a transactions parser"));
        Batch &b = m_p.batch(RowKind::Event);
        const size_t base = b.strs.size();
        b.strs.resize(base + ev::NStr);
        const auto put = [&](int col, const QByteArray &v) {
            if (!v.isEmpty())
                b.strs[base + size_t(col)] = b.add(v);
        };
        put(ev::EventId, e.eventId);
        put(ev::TsText, e.tsText);
        put(ev::Actor, e.actor);
        put(ev::ActorName, e.actorName);
        put(ev::ActorRole, e.actorRole);
        put(ev::SourceIp, e.sourceIp);
        put(ev::Action, e.action);
        put(ev::Resource, e.resource);
        put(ev::Outcome, e.outcome);
        put(ev::SessionId, e.sessionId);
        put(ev::Details, e.details);
        put(ev::Extra, e.extra);
        b.strs[base + ev::Raw] = b.add(QByteArrayView(e.raw).first(std::min<qsizetype>(e.raw.size(), kMaxRawBytes)));
        b.ints.push_back(e.line);
        b.ints.push_back(e.ts.utcMs);
        b.ints.push_back(e.ts.offsetSeconds);
        return m_p.rowDone();
    }

    Status transaction(const TransactionRecord &t) override
    {
        if (m_kind != RowKind::Transaction)
            return Error(Error::Code::Parse, tr("internal error: a transaction from an audit parser"));
        Batch &b = m_p.batch(RowKind::Transaction);
        const size_t base = b.strs.size();
        b.strs.resize(base + tx::NStr);
        const auto put = [&](int col, const QByteArray &v) {
            if (!v.isEmpty())
                b.strs[base + size_t(col)] = b.add(v);
        };
        put(tx::TxnId, t.txnId);
        put(tx::TsText, t.tsText);
        put(tx::ValueDate, t.valueDate);
        put(tx::DebtorAccount, t.debtorAccount);
        put(tx::DebtorName, t.debtorName);
        put(tx::DebtorBank, t.debtorBank);
        put(tx::CreditorAccount, t.creditorAccount);
        put(tx::CreditorName, t.creditorName);
        put(tx::CreditorBank, t.creditorBank);
        put(tx::AmountText, t.amountText);
        put(tx::Currency, t.currency);
        put(tx::Channel, t.channel);
        put(tx::Status, t.status);
        put(tx::Reference, t.reference);
        put(tx::Memo, t.memo);
        put(tx::Extra, t.extra);
        b.strs[base + tx::Raw] = b.add(QByteArrayView(t.raw).first(std::min<qsizetype>(t.raw.size(), kMaxRawBytes)));
        b.ints.push_back(t.line);
        b.ints.push_back(t.ts.utcMs);
        b.ints.push_back(t.ts.offsetSeconds);
        b.ints.push_back(t.amountE4);
        return m_p.rowDone();
    }

    Status quarantine(int64_t line, const QString &reason, QByteArrayView raw) override
    {
        m_p.quarantine(m_kind, line, reason, raw);
        return ok();
    }

private:
    Producer &m_p;
    RowKind m_kind;
};

/// Collects the file (their structure is not line-based, or needs the whole file for its checks),
/// then hands it to the format's parser. The size cap keeps a hostile file from exhausting memory.
class WholeFileParser final : public FileParser
{
public:
    WholeFileParser(Producer &p, const QString &format, RowKind kind)
        : m_p(p)
        , m_format(format)
        , m_kind(kind)
        , m_parser(formats::makeParser(format, FormatContext { p.zone() }))
    {
    }

    Status chunk(QByteArrayView data) override
    {
        if (m_data.size() + data.size() > formats::kMaxWholeFileBytes)
            return m_p.fileError(tr("is larger than %1 MiB, the limit for %2 files (they are read whole)")
                                     .arg(formats::kMaxWholeFileBytes >> 20)
                                     .arg(m_format));
        m_data.append(data.data(), data.size());
        return ok();
    }

    Status finish() override
    {
        BatchSink sink(m_p, m_kind);
        Status st = formats::parseFile(*m_parser, m_data, sink);
        records = m_parser->records;
        m_data.clear();
        if (!st && st.error().code != Error::Code::Cancelled)
            return m_p.fileError(st.error().message);
        return st;
    }

private:
    Producer &m_p;
    QString m_format;
    RowKind m_kind;
    std::unique_ptr<FormatParser> m_parser;
    QByteArray m_data;
};

Status Producer::beginFile(const QString &path)
{
    if (m_stop.load(std::memory_order_relaxed))
        return Error(Error::Code::Cancelled, tr("Import cancelled"));
    m_fileIndex = m_index.value(path, -1);
    Q_ASSERT(m_fileIndex >= 0);
    m_file = &m_manifest.files[m_fileIndex];
    m_fileBytes = 0;
    ship();
    if (formats::isWholeFileFormat(m_file->format))
        m_parser = std::make_unique<WholeFileParser>(*this, m_file->format, m_file->kind == u"audit" ? RowKind::Event : RowKind::Transaction);
    else if (m_file->kind == u"audit")
        m_parser = std::make_unique<JsonlEventParser>(*this);
    else
        m_parser = std::make_unique<CsvTableParser>(*this, m_file->kind == u"transactions" ? RowKind::Transaction : RowKind::Account);
    return ok();
}

Status Producer::chunk(QByteArrayView data)
{
    if (m_stop.load(std::memory_order_relaxed))
        return Error(Error::Code::Cancelled, tr("Import cancelled"));
    m_fileBytes += data.size();
    m_bytesTotal += data.size();
    if (m_fileBytes > m_file->bytes)
        return fileError(tr("inflates beyond the %1 bytes the manifest states (corrupt entry or ZIP bomb)").arg(m_file->bytes));
    m_hash.add(data);
    return m_parser->chunk(data);
}

Status Producer::endFile()
{
    auto st = m_parser->finish();
    if (!st)
        return st;
    if (m_fileBytes != m_file->bytes)
        return fileError(tr("has %1 bytes, the manifest states %2").arg(m_fileBytes).arg(m_file->bytes));
    const QByteArray sha = m_hash.hexResult();
    if (sha != m_file->sha256)
        return fileError(tr("SHA-256 is %1, the manifest states %2").arg(QString::fromLatin1(sha), QString::fromLatin1(m_file->sha256)));
    if (m_file->records >= 0 && m_parser->records != m_file->records)
        return fileError(tr("holds %1 records, the manifest states %2").arg(m_parser->records).arg(m_file->records));
    // An empty batch still carries the file's quarantine items and byte count.
    if (!m_batch)
        batch(m_file->kind == u"audit" ? RowKind::Event : m_file->kind == u"transactions" ? RowKind::Transaction : RowKind::Account);
    return ship();
}

// ---------------------------------------------------------------------------------------------
// Consumer: inserts batches with prepared statements inside the archive's transaction.

class Inserter
{
public:
    Inserter(SqliteDb &db, int64_t archiveId, const QString &tenantId, const QVector<int64_t> &fileIds,
             const Manifest &manifest)
        : m_db(db)
        , m_archiveId(archiveId)
        , m_tenant(tenantId.toUtf8())
        , m_fileIds(fileIds)
        , m_manifest(manifest)
    {
    }

    Status prepare()
    {
        auto e = m_db.prepare("INSERT INTO events(tenant_id, archive_id, file_id, line, event_id, ts_utc_ms, ts_offset_s, "
                              "ts_text, actor, actor_name, actor_role, source_ip, action, resource, outcome, session_id, "
                              "details, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        auto t = m_db.prepare("INSERT INTO transactions(tenant_id, archive_id, file_id, line, txn_id, ts_utc_ms, "
                              "ts_offset_s, ts_text, value_date, debtor_account, debtor_name, debtor_bank, "
                              "creditor_account, creditor_name, creditor_bank, amount_e4, amount_text, currency, "
                              "channel, status, reference, memo, extra) "
                              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        auto a = m_db.prepare("INSERT INTO accounts(tenant_id, archive_id, file_id, line, account, holder_name, "
                              "holder_id, opened, type, status, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
        auto q = m_db.prepare("INSERT INTO quarantine(archive_id, file, line, reason, raw) VALUES (?,?,?,?,?)");
        auto es = m_db.prepare("INSERT INTO entity_stats(kind, key, tenant_id, currency, display, count, amount_e4, "
                               "first_utc_ms, last_utc_ms) VALUES (?,?,?,?,?,?,?,?,?) "
                               "ON CONFLICT(kind, key, tenant_id, currency) DO UPDATE SET count = count + excluded.count, "
                               "amount_e4 = casebook_checked_add(amount_e4, excluded.amount_e4), "
                               "display = min(display, excluded.display), first_utc_ms = min(first_utc_ms, excluded.first_utc_ms), "
                               "last_utc_ms = max(last_utc_ms, excluded.last_utc_ms)");
        for (auto *r : { &e, &t, &a, &q, &es })
            if (!*r)
                return r->error();
        m_events = std::move(*e);
        m_txns = std::move(*t);
        m_accounts = std::move(*a);
        m_quarantine = std::move(*q);
        m_entityStats = std::move(*es);
        return ok();
    }

    Status insert(const Batch &b)
    {
        const QByteArray file = m_manifest.files[b.fileIndex].path.toUtf8();
        for (const QuarantineItem &q : b.quarantine) {
            auto st = addQuarantine(file, q.line, q.reason, q.raw);
            if (!st)
                return st;
        }
        const int nStr = strCount(b.kind);
        const int nInt = intCount(b.kind);
        for (int r = 0; r < b.rows; ++r) {
            const Str *s = &b.strs[size_t(r * nStr)];
            const int64_t *n = &b.ints[size_t(r * nInt)];
            Statement &st = b.kind == RowKind::Event ? m_events : b.kind == RowKind::Transaction ? m_txns : m_accounts;
            st.bind(1, QByteArrayView(m_tenant));
            st.bind(2, m_archiveId);
            st.bind(3, m_fileIds[b.fileIndex]);
            st.bind(4, n[0]);
            const auto text = [&](int param, int col) { st.bindTextOrNull(param, b.view(s[col])); };
            if (b.kind == RowKind::Event) {
                text(5, ev::EventId);
                st.bind(6, n[ev::TsUtc]);
                st.bind(7, n[ev::TsOff]);
                for (int c = ev::TsText, p = 8; c <= ev::Extra; ++c, ++p)
                    text(p, c);
            } else if (b.kind == RowKind::Transaction) {
                text(5, tx::TxnId);
                st.bind(6, n[tx::TsUtc]);
                st.bind(7, n[tx::TsOff]);
                for (int c = tx::TsText, p = 8; c <= tx::CreditorBank; ++c, ++p)
                    text(p, c);
                st.bind(16, n[tx::AmountE4]);
                for (int c = tx::AmountText, p = 17; c <= tx::Extra; ++c, ++p)
                    text(p, c);
            } else {
                for (int c = ac::Account, p = 5; c <= ac::Extra; ++c, ++p)
                    text(p, c);
            }
            const auto res = st.step();
            st.reset();
            if (res == Statement::StepResult::Done) {
                if (b.kind == RowKind::Event) {
                    ++events;
                    cells.addEvent(m_db.lastInsertRowId(), n[ev::TsUtc], b.view(s[ev::ActorRole]), b.view(s[ev::Action]),
                                   b.view(s[ev::Outcome]));
                } else if (b.kind == RowKind::Transaction) {
                    ++transactions;
                    cells.addTransaction(m_db.lastInsertRowId(), n[tx::TsUtc], b.view(s[tx::Currency]), b.view(s[tx::Channel]),
                                         b.view(s[tx::Status]), n[tx::AmountE4]);
                    if (!addTotal(b.view(s[tx::Currency]), n[tx::AmountE4]))
                        return Error(Error::Code::Archive,
                                     tr("%1:%2: the sum of %3 amounts overflows").arg(QString::fromUtf8(file)).arg(n[0]).arg(QString::fromUtf8(b.view(s[tx::Currency]))));
                } else {
                    ++accounts;
                }
                continue;
            }
            if (res == Statement::StepResult::Constraint) {
                if (b.kind != RowKind::Account)
                    ++duplicateRows;
                auto st2 = duplicate(b, r, file);
                if (!st2)
                    return st2;
                continue;
            }
            return Error(Error::Code::Database, tr("Inserting %1:%2 failed").arg(QString::fromUtf8(file)).arg(n[0]), m_db.lastError());
        }
        if (!b.entityChunks.empty()) {
            const int64_t start = threadCpuNs();
            for (const auto &chunk : b.entityChunks)
                if (auto st = writeEntities(chunk); !st)
                    return st;
            entityCpuNs += threadCpuNs() - start;
        }
        return ok();
    }

    int64_t events = 0, transactions = 0, accounts = 0, quarantined = 0;
    /// Search cells and time order of the rows inserted (docs/search.md, schema 6).
    searchcells::Collector cells;
    int64_t entityCpuNs = 0; ///< CPU time spent writing entity_stats (phase log)
    /// Events and transactions refused as duplicates: their entities were summed on the producer
    /// thread anyway, so entity_stats of this institution are rebuilt from the tables at the end.
    int64_t duplicateRows = 0;
    std::vector<std::pair<QByteArray, std::pair<int64_t, int64_t>>> totals; ///< currency → (sum e4, count), few

private:
    bool addTotal(QByteArrayView currency, int64_t amount)
    {
        auto it = std::find_if(totals.begin(), totals.end(), [&](const auto &t) { return t.first == currency; });
        if (it == totals.end()) {
            totals.push_back({ currency.toByteArray(), { 0, 0 } });
            it = totals.end() - 1;
        }
        ++it->second.second;
        return money::addChecked(it->second.first, amount);
    }

    /// Adds a chunk of entity sums to entity_stats (docs/schema.md), in key order so the b-tree is
    /// written sequentially.
    Status writeEntities(const std::vector<EntityEntry> &chunk)
    {
        for (const EntityEntry &e : chunk) {
            const QByteArrayView k(e.key);
            const qsizetype s1 = k.indexOf('\x1f'), s2 = k.lastIndexOf('\x1f');
            m_entityStats.bind(1, k.first(s1));
            m_entityStats.bind(2, k.sliced(s1 + 1, s2 - s1 - 1));
            m_entityStats.bind(3, QByteArrayView(m_tenant));
            m_entityStats.bind(4, k.sliced(s2 + 1));
            m_entityStats.bind(5, QByteArrayView(e.display));
            m_entityStats.bind(6, e.count);
            m_entityStats.bind(7, e.sumE4);
            m_entityStats.bind(8, e.first);
            m_entityStats.bind(9, e.last);
            if (!m_entityStats.run()) {
                const QString why = m_db.lastError();
                if (why.contains(QLatin1StringView(kCheckedAddOverflow)))
                    return Error(Error::Code::Database, tr("Cannot update linked entities"),
                                 tr("the sum of the amounts of %1 %2 in %3 over this institution's archives overflows")
                                     .arg(QString::fromUtf8(k.first(s1)), quoted(QByteArrayView(e.display)),
                                          QString::fromUtf8(k.sliced(s2 + 1))));
                return Error(Error::Code::Database, tr("Cannot update linked entities"), why);
            }
        }
        return ok();
    }

    Status addQuarantine(const QByteArray &file, int64_t line, const QString &reason, QByteArrayView raw)
    {
        m_quarantine.bind(1, m_archiveId);
        m_quarantine.bind(2, QByteArrayView(file));
        m_quarantine.bind(3, line);
        m_quarantine.bind(4, reason);
        m_quarantine.bind(5, raw);
        if (!m_quarantine.run())
            return Error(Error::Code::Database, tr("Cannot record quarantined row"), m_db.lastError());
        ++quarantined;
        return ok();
    }

    /// A UNIQUE violation: this id was already imported (earlier in file order, or by an earlier archive
    /// of the same institution). The first occurrence stays; this one is quarantined with a pointer to it.
    Status duplicate(const Batch &b, int r, const QByteArray &file)
    {
        const int nStr = strCount(b.kind);
        const Str *s = &b.strs[size_t(r * nStr)];
        const int64_t line = b.ints[size_t(r * intCount(b.kind))];
        const char *table = b.kind == RowKind::Event ? "events" : b.kind == RowKind::Transaction ? "transactions" : "accounts";
        const char *key = b.kind == RowKind::Event ? "event_id" : b.kind == RowKind::Transaction ? "txn_id" : "account";
        const QByteArrayView id = b.view(s[0]);
        const QByteArrayView raw = b.view(s[nStr - 1]);
        const QByteArray sql = QByteArray("SELECT f.path, x.line, x.archive_id FROM ") + table
            + " x JOIN archive_files f ON f.id = x.file_id WHERE x.tenant_id = ? AND x." + key + " = ?";
        auto q = m_db.prepare(sql);
        QString where;
        if (q) {
            q->bind(1, QByteArrayView(m_tenant));
            q->bind(2, id);
            if (q->step() == Statement::StepResult::Row) {
                where = q->columnText(0) + u':' + QString::number(q->columnInt(1));
                if (q->columnInt(2) != m_archiveId)
                    where += tr(" of an earlier archive");
            }
        }
        if (where.isEmpty()) // not a duplicate after all: some other constraint
            return addQuarantine(file, line, tr("rejected by the database: %1").arg(m_db.lastError()), lossyRaw(raw));
        return addQuarantine(file, line,
                             tr("duplicate %1 %2 (first at %3)").arg(QLatin1StringView(key), quoted(id), where),
                             lossyRaw(raw));
    }

    SqliteDb &m_db;
    int64_t m_archiveId;
    QByteArray m_tenant;
    QVector<int64_t> m_fileIds;
    const Manifest &m_manifest;
    Statement m_events, m_txns, m_accounts, m_quarantine, m_entityStats;
};

/// entity_stats of one institution recomputed from its events and transactions (the statement of
/// migration 0003, restricted to the institution).
Status rebuildEntityStats(SqliteDb &db, const QString &tenant)
{
    auto del = db.prepare("DELETE FROM entity_stats WHERE tenant_id = ?");
    auto ins = db.prepare(
        "INSERT INTO entity_stats(kind, key, tenant_id, currency, display, count, amount_e4, first_utc_ms, last_utc_ms) "
        "SELECT kind, key, ?1, currency, min(display), count(*), sum(amount_e4), min(ts), max(ts) FROM ("
        " SELECT 'account' AS kind, debtor_account AS key, currency, debtor_account AS display, amount_e4, ts_utc_ms AS ts"
        "  FROM transactions WHERE tenant_id = ?1 AND debtor_account <> ''"
        " UNION ALL SELECT 'account', creditor_account, currency, creditor_account, amount_e4, ts_utc_ms"
        "  FROM transactions WHERE tenant_id = ?1 AND creditor_account <> ''"
        " UNION ALL SELECT 'name', casebook_name_key(debtor_name), currency, debtor_name, amount_e4, ts_utc_ms"
        "  FROM transactions WHERE tenant_id = ?1 AND debtor_name <> ''"
        " UNION ALL SELECT 'name', casebook_name_key(creditor_name), currency, creditor_name, amount_e4, ts_utc_ms"
        "  FROM transactions WHERE tenant_id = ?1 AND creditor_name <> ''"
        " UNION ALL SELECT 'ip', source_ip, '', source_ip, 0, ts_utc_ms FROM events WHERE tenant_id = ?1 AND source_ip <> ''"
        " UNION ALL SELECT 'actor', actor, '', actor, 0, ts_utc_ms FROM events WHERE tenant_id = ?1 AND actor <> ''"
        " UNION ALL SELECT 'name', casebook_name_key(actor_name), '', actor_name, 0, ts_utc_ms"
        "  FROM events WHERE tenant_id = ?1 AND actor_name <> ''"
        ") WHERE key <> '' GROUP BY kind, key, currency");
    if (!del)
        return del.error();
    if (!ins)
        return ins.error();
    del->bind(1, tenant);
    ins->bind(1, tenant);
    if (!del->run() || !ins->run())
        return Error(Error::Code::Database, tr("Cannot rebuild linked entities"), db.lastError());
    return ok();
}

/// Rows of `kind` the manifest announces: the declared record counts, else a guess from the size.
int64_t estimatedRows(const Manifest &m, QLatin1StringView kind)
{
    int64_t rows = 0;
    for (const ManifestFile &f : m.files)
        if (f.kind == kind)
            rows += f.records >= 0 ? f.records : f.bytes / 256;
    return rows;
}

int progressHandler(void *ctx)
{
    const auto *cancel = static_cast<const CancelFn *>(ctx);
    return (*cancel)() ? 1 : 0;
}

QString nowUtc() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }

} // namespace

QString ImportResult::outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::Imported:
        return QStringLiteral("imported");
    case Outcome::AlreadyPresent:
        return QStringLiteral("already-present");
    case Outcome::Rejected:
        return QStringLiteral("rejected");
    case Outcome::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

namespace {

/// The import proper, for any container: a SEA zip or directory, or a loose file dressed as one.
ImportResult importSource(Workspace &ws, const ImportRequest &req, Result<std::unique_ptr<ArchiveSource>> src,
                          const ImportProgressFn &progress, const CancelFn &cancel)
{
    QElapsedTimer timer;
    timer.start();
    ImportResult res;
    res.archivePath = req.archivePath;
    const auto finish = [&](ImportResult::Outcome o, const QString &msg = {}) {
        res.outcome = o;
        if (!msg.isEmpty())
            res.message = msg;
        res.seconds = double(timer.nsecsElapsed()) / 1e9;
        if (o != ImportResult::Outcome::Imported) {
            res.events = res.transactions = res.accounts = res.quarantined = res.bulkIndexes = 0;
        }
        qCInfo(lcImport) << req.archivePath << ImportResult::outcomeName(o) << res.message;
        return res;
    };
    const auto isCancelled = [&] { return cancel && cancel(); };

    if (!src)
        return finish(ImportResult::Outcome::Rejected, src.error().text());
    ArchiveSource &source = **src;

    // The archive's identity. A zip is identified by its file's hash; a directory by its manifest's
    // (which pins every file's hash).
    auto listing = source.list();
    if (!listing)
        return finish(ImportResult::Outcome::Rejected, listing.error().text());
    if (!listing->hasManifest)
        return finish(ImportResult::Outcome::Rejected, tr("%1: manifest.json is missing").arg(req.archivePath));
    if (source.container() != u"directory") {
        QFile f(req.archivePath);
        if (!f.open(QIODevice::ReadOnly))
            return finish(ImportResult::Outcome::Rejected, tr("Cannot read %1: %2").arg(req.archivePath, f.errorString()));
        Sha256 h;
        QByteArray buf(1 << 20, Qt::Uninitialized);
        for (qint64 n; (n = f.read(buf.data(), buf.size())) > 0;)
            h.add(QByteArrayView(buf.constData(), n));
        res.sha256 = QString::fromLatin1(h.hexResult());
    } else {
        res.sha256 = QString::fromLatin1(Sha256::hexHash(listing->manifest));
    }

    auto manifest = parseManifest(listing->manifest);
    if (!manifest)
        return finish(ImportResult::Outcome::Rejected, req.archivePath + u": " + manifest.error().message);
    const Manifest &m = *manifest;
    res.exportId = m.exportId;
    res.tenantId = m.tenantId;

    SqliteDb &db = ws.db();
    {
        auto q = db.prepare("SELECT id, sha256, export_id, source_path FROM archives WHERE export_id = ? OR sha256 = ?");
        if (!q)
            return finish(ImportResult::Outcome::Rejected, q.error().text());
        q->bind(1, m.exportId);
        q->bind(2, res.sha256);
        if (q->step() == Statement::StepResult::Row) {
            res.archiveId = q->columnInt(0);
            return finish(ImportResult::Outcome::AlreadyPresent,
                          tr("already present (export_id %1, imported from %2); nothing added").arg(q->columnText(2), q->columnText(3)));
        }
    }

    // Every file present must be listed, every listed file present, every format one we read.
    {
        QSet<QString> listed;
        for (const ManifestFile &f : m.files)
            listed.insert(f.path);
        const QSet<QString> present(listing->files.cbegin(), listing->files.cend());
        for (const QString &f : listing->files)
            if (!listed.contains(f))
                return finish(ImportResult::Outcome::Rejected, tr("%1: %2 is in the archive but not listed in manifest.json").arg(req.archivePath, f));
        for (const ManifestFile &f : m.files) {
            if (!present.contains(f.path))
                return finish(ImportResult::Outcome::Rejected, tr("%1: %2 is listed in manifest.json but missing").arg(req.archivePath, f.path));
            const bool supported = (f.kind == u"audit" && f.format == u"sea-jsonl")
                || ((f.kind == u"transactions" || f.kind == u"accounts") && f.format == u"sea-csv")
                || (formats::isWholeFileFormat(f.format) && formats::kindOf(f.format) == f.kind);
            if (!supported)
                return finish(ImportResult::Outcome::Rejected,
                              tr("%1: %2 has kind \"%3\" and format \"%4\", which this version of Casebook cannot read")
                                  .arg(req.archivePath, f.path, f.kind, f.format));
        }
    }

    // Signature.
    {
        static const Keyring empty;
        QString detail;
        const SignatureCheck sc = checkSignature(m.raw, listing->signature ? &*listing->signature : nullptr, m.keyId,
                                                 req.keyring ? *req.keyring : empty, detail);
        res.stateDetail = detail;
        if (sc == SignatureCheck::Invalid)
            return finish(ImportResult::Outcome::Rejected, req.archivePath + u": " + detail);
        res.state = sc == SignatureCheck::Valid ? QStringLiteral("verified") : QStringLiteral("unsigned");
        if (source.container() == u"file")
            res.stateDetail = tr("loose file: no manifest or signature from the producer");
    }

    int64_t dataBytes = 0;
    for (const ManifestFile &f : m.files)
        dataBytes += f.bytes;
    ImportProgress prog { req.archivePath, 0, dataBytes, 0, 0 };
    if (progress)
        progress(prog);
    if (isCancelled())
        return finish(ImportResult::Outcome::Cancelled, tr("cancelled"));

    db.exec(kLoadCacheSize);
    // ---- one transaction from here on ----
    if (auto st = db.beginWrite(); !st)
        return finish(ImportResult::Outcome::Rejected, st.error().text());
    bool committed = false;
    struct Rollback
    {
        SqliteDb &db;
        bool &committed;
        ~Rollback()
        {
            if (!committed)
                db.exec("ROLLBACK");
        }
    } rollback { db, committed };
    if (cancel)
        sqlite3_progress_handler(db.handle(), 10000, progressHandler, const_cast<CancelFn *>(&cancel));
    struct ClearHandler
    {
        sqlite3 *h;
        ~ClearHandler() { sqlite3_progress_handler(h, 0, nullptr, nullptr); }
    } clearHandler { db.handle() };

    const auto dbFail = [&](const QString &what, const QString &detail) {
        if (isCancelled())
            return finish(ImportResult::Outcome::Cancelled, tr("cancelled"));
        return finish(ImportResult::Outcome::Rejected, what + u": " + detail);
    };

    {
        auto t = db.prepare("INSERT INTO tenants(id, name, lei, kind, default_timezone) VALUES (?,?,?,?,?) "
                            "ON CONFLICT(id) DO NOTHING");
        if (!t)
            return dbFail(tr("Cannot record the institution"), t.error().detail);
        t->bind(1, m.tenantId);
        t->bind(2, m.tenantName);
        t->bind(3, m.tenantLei);
        t->bind(4, m.tenantKind);
        t->bind(5, m.defaultTimezone);
        if (!t->run())
            return dbFail(tr("Cannot record the institution"), db.lastError());

        auto a = db.prepare("INSERT INTO archives(sha256, export_id, tenant_id, source_path, container, manifest, "
                            "signature, key_id, state, state_detail, period_from, period_to, created_at, imported_at, "
                            "imported_by, bytes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!a)
            return dbFail(tr("Cannot record the archive"), a.error().detail);
        a->bind(1, res.sha256);
        a->bind(2, m.exportId);
        a->bind(3, m.tenantId);
        a->bind(4, source.path());
        a->bind(5, source.container());
        a->bind(6, QByteArrayView(m.raw)); // the exact bytes the signature covers
        if (listing->signature)
            a->bindTransient(7, listing->signature->trimmed());
        else
            a->bindNull(7);
        a->bind(8, m.keyId);
        a->bind(9, res.state);
        a->bind(10, res.stateDetail);
        a->bind(11, m.periodFrom);
        a->bind(12, m.periodTo);
        a->bind(13, m.createdAt);
        a->bind(14, nowUtc());
        a->bind(15, req.importedBy);
        a->bind(16, listing->totalBytes);
        if (!a->run())
            return dbFail(tr("Cannot record the archive"), db.lastError());
        res.archiveId = db.lastInsertRowId();
    }
    QVector<int64_t> fileIds;
    {
        auto f = db.prepare("INSERT INTO archive_files(archive_id, path, kind, format, sha256, bytes, records) VALUES (?,?,?,?,?,?,?)");
        if (!f)
            return dbFail(tr("Cannot record the archive's files"), f.error().detail);
        for (const ManifestFile &mf : m.files) {
            f->bind(1, res.archiveId);
            f->bind(2, mf.path);
            f->bind(3, mf.kind);
            f->bind(4, mf.format);
            f->bind(5, QByteArrayView(mf.sha256));
            f->bind(6, mf.bytes);
            if (mf.records >= 0)
                f->bind(7, mf.records);
            else
                f->bindNull(7);
            if (!f->run())
                return dbFail(tr("Cannot record the archive's files"), db.lastError());
            fileIds.push_back(db.lastInsertRowId());
        }
    }
    auto maxEvent = db.queryInt("SELECT coalesce(max(id), 0) FROM events");
    auto maxTxn = db.queryInt("SELECT coalesce(max(id), 0) FROM transactions");
    if (!maxEvent || !maxTxn)
        return dbFail(tr("Cannot read the workspace"), db.lastError());

    // Bulk index build: when the archive brings at least bulkIndexRatio times the rows a table holds,
    // that table's non-unique indexes are dropped here and built again after the last row (one sort
    // each instead of a random b-tree insert per row), in this transaction: a rollback restores them.
    SecondaryIndexes bulkIndexes;
    if (req.bulkIndexRatio >= 0) {
        auto maxAccount = db.queryInt("SELECT coalesce(max(id), 0) FROM accounts");
        if (!maxAccount)
            return dbFail(tr("Cannot read the workspace"), db.lastError());
        const struct
        {
            const char *kind, *table;
            int64_t existing; ///< an upper bound of the table's rows: ids are max + 1
        } tables[] = { { "audit", "events", *maxEvent }, { "transactions", "transactions", *maxTxn }, { "accounts", "accounts", *maxAccount } };
        for (const auto &t : tables) {
            const int64_t incoming = estimatedRows(m, QLatin1StringView(t.kind));
            if (incoming == 0 || double(incoming) < req.bulkIndexRatio * double(t.existing))
                continue;
            if (auto st = bulkIndexes.drop(db, QLatin1StringView(t.table)); !st)
                return dbFail(st.error().message, st.error().detail);
        }
        res.bulkIndexes = int(bulkIndexes.names().size());
        if (!bulkIndexes.isEmpty())
            qCDebug(lcImport).noquote() << "bulk index build:" << bulkIndexes.names().join(u", ");
    }

    Inserter inserter(db, res.archiveId, m.tenantId, fileIds, m);
    if (auto st = inserter.prepare(); !st)
        return dbFail(tr("Cannot prepare the import"), st.error().detail);

    // Parse (and inflate, and hash) on a second thread while this one inserts.
    BatchQueue queue;
    std::atomic_bool stop { false };
    QStringList paths;
    QVector<int64_t> caps;
    for (const ManifestFile &f : m.files) {
        paths.push_back(f.path);
        caps.push_back(f.bytes);
    }
    const QTimeZone zone = m.defaultTimezone.isEmpty() ? QTimeZone() : QTimeZone(m.defaultTimezone.toUtf8());
    const QString spillDir = workspaceFolder(db);
    std::thread producer([&] {
        Producer p(m, zone, queue, stop, req.entityChunk, spillDir);
        Status st = source.stream(paths, caps, p);
        if (st)
            st = p.finishEntities();
        queue.finish(st);
    });
    struct Join
    {
        std::thread &t;
        BatchQueue &q;
        std::atomic_bool &stop;
        ~Join()
        {
            stop = true;
            q.abandon();
            if (t.joinable())
                t.join();
        }
    } join { producer, queue, stop };

    QElapsedTimer sinceProgress;
    sinceProgress.start();
    // Phase timings (wall and this thread's CPU): QT_LOGGING_RULES="casebook.models.import.debug=true".
    struct PhaseClock
    {
        QElapsedTimer wall;
        int64_t cpu = threadCpuMs();
        PhaseClock() { wall.start(); }
        static int64_t threadCpuMs() { return threadCpuNs() / 1000000; }
        static QString memory()
        {
            QFile f(QStringLiteral("/proc/self/status"));
            if (!f.open(QIODevice::ReadOnly))
                return {};
            QString out;
            for (const QByteArray &line : f.readAll().split('\n'))
                if (line.startsWith("VmRSS") || line.startsWith("VmHWM"))
                    out += u' ' + QString::fromLatin1(line.simplified());
            return out;
        }
        QString restart()
        {
            const int64_t c = threadCpuMs();
            const QString s = QStringLiteral("%1 ms (cpu %2 ms)%3").arg(wall.restart()).arg(c - cpu).arg(memory());
            cpu = c;
            return s;
        }
    } phase;
    Status failure = ok();
    while (auto batch = queue.pop()) {
        if (isCancelled()) {
            stop = true;
            queue.abandon();
            return finish(ImportResult::Outcome::Cancelled, tr("cancelled"));
        }
        if (auto st = inserter.insert(*batch); !st) {
            failure = st;
            stop = true;
            queue.abandon();
            break;
        }
        if (progress && sinceProgress.elapsed() >= 50) {
            prog.bytesDone = batch->bytesDone;
            prog.rows = inserter.events + inserter.transactions + inserter.accounts;
            prog.quarantined = inserter.quarantined;
            progress(prog);
            sinceProgress.restart();
        }
    }
    if (!failure)
        return dbFail(failure.error().message, failure.error().detail);
    {
        // Wait for the producer's verdict (hash, size, record counts).
        stop = false;
        if (producer.joinable())
            producer.join();
        Status st = queue.status();
        if (!st) {
            if (st.error().code == Error::Code::Cancelled || isCancelled())
                return finish(ImportResult::Outcome::Cancelled, tr("cancelled"));
            return finish(ImportResult::Outcome::Rejected, req.archivePath + u": " + st.error().text());
        }
    }
    if (isCancelled())
        return finish(ImportResult::Outcome::Cancelled, tr("cancelled"));

    qCDebug(lcImport).noquote() << "rows" << phase.restart() << "of which linked entities cpu" << inserter.entityCpuNs / 1000000 << "ms";
    if (!bulkIndexes.isEmpty()) {
        // CREATE INDEX sorts in memory up to the page cache's size before it spills to temporary
        // files: the small cache keeps the sorts from adding to the import's peak memory.
        db.exec(kGroupCacheSize);
        if (auto st = bulkIndexes.recreate(db); !st)
            return dbFail(st.error().message, st.error().detail);
        db.exec(kLoadCacheSize);
        qCDebug(lcImport).noquote() << "indexes" << phase.restart();
    }
    res.loadSeconds = double(timer.nsecsElapsed()) / 1e9;
    // Full-text index in bulk over this archive's rows (they are the rows above the previous maxima:
    // the write lock is ours since BEGIN IMMEDIATE).
    {
        auto fe = db.prepare("INSERT INTO events_fts(rowid, actor, actor_name, action, resource, source_ip, details) "
                             "SELECT id, actor, actor_name, action, resource, source_ip, details FROM events WHERE id > ?");
        auto ft = db.prepare("INSERT INTO transactions_fts(rowid, debtor_account, debtor_name, creditor_account, "
                             "creditor_name, reference, memo) SELECT id, debtor_account, debtor_name, creditor_account, "
                             "creditor_name, reference, memo FROM transactions WHERE id > ?");
        if (!fe || !ft)
            return dbFail(tr("Cannot build the search index"), db.lastError());
        fe->bind(1, *maxEvent);
        ft->bind(1, *maxTxn);
        if (!fe->run() || !ft->run())
            return dbFail(tr("Cannot build the search index"), db.lastError());
    }
    res.fullTextSeconds = double(timer.nsecsElapsed()) / 1e9 - res.loadSeconds;
    qCDebug(lcImport).noquote() << "full-text index" << phase.restart();
    // What follows groups rows (rollups, a rebuild of linked entities): SQLite's sorter may hold as
    // much memory as the page cache allows, on top of the cache itself. The rows are in, so a small
    // cache costs nothing here and keeps the import's peak memory where the load put it.
    db.exec(kGroupCacheSize);
    // Linked entities: the producer summed every row it parsed and the chunks are in entity_stats.
    // Rows refused as duplicates were counted too; then this institution's sums are rebuilt from the
    // tables (rare: overlapping exports).
    if (inserter.duplicateRows > 0) {
        if (auto st = rebuildEntityStats(db, m.tenantId); !st)
            return dbFail(tr("Cannot update linked entities"), st.error().detail);
    }
    // Timeline rollups over the same new rows, in the same transaction (docs/timeline.md).
    if (auto st = timelinerollups::add(db, *maxEvent, *maxTxn); !st)
        return dbFail(st.error().message, st.error().detail);
    qCDebug(lcImport).noquote() << "timeline rollups" << phase.restart();
    // Search count cells over the same rows (docs/search.md).
    if (auto st = inserter.cells.write(db, m.tenantId, res.archiveId); !st)
        return dbFail(tr("Cannot update the search counts"), st.error().detail);
    db.exec(kLoadCacheSize);
    qCDebug(lcImport).noquote() << "search cells" << phase.restart();
    {
        auto t = db.prepare("INSERT INTO archive_totals(archive_id, currency, amount_e4, count) VALUES (?,?,?,?)");
        if (!t)
            return dbFail(tr("Cannot record totals"), db.lastError());
        for (const auto &[currency, sum] : inserter.totals) {
            t->bind(1, res.archiveId);
            t->bind(2, QByteArrayView(currency));
            t->bind(3, sum.first);
            t->bind(4, sum.second);
            if (!t->run())
                return dbFail(tr("Cannot record totals"), db.lastError());
        }
        {
            // Search facets count per archive rowid range (schema 5, docs/search.md): this archive's
            // rows are exactly the ids above the maxima read after BEGIN IMMEDIATE.
            auto r = db.prepare("UPDATE archives SET events_first_id = ?1 + 1, events_last_id = (SELECT coalesce(max(id), ?1) "
                                "FROM events), transactions_first_id = ?2 + 1, transactions_last_id = (SELECT "
                                "coalesce(max(id), ?2) FROM transactions) WHERE id = ?3");
            if (!r)
                return dbFail(tr("Cannot record counts"), db.lastError());
            r->bind(1, *maxEvent);
            r->bind(2, *maxTxn);
            r->bind(3, res.archiveId);
            if (!r->run())
                return dbFail(tr("Cannot record counts"), db.lastError());
        }
        auto u = db.prepare("UPDATE archives SET events = ?, transactions = ?, accounts = ?, quarantined = ? WHERE id = ?");
        if (!u)
            return dbFail(tr("Cannot record counts"), db.lastError());
        u->bind(1, inserter.events);
        u->bind(2, inserter.transactions);
        u->bind(3, inserter.accounts);
        u->bind(4, inserter.quarantined);
        u->bind(5, res.archiveId);
        if (!u->run())
            return dbFail(tr("Cannot record counts"), db.lastError());
    }
    if (isCancelled())
        return finish(ImportResult::Outcome::Cancelled, tr("cancelled"));
    {
        // The import and its journal entry commit together.
        auto seq = journal::append(db, req.importedBy, QStringLiteral("archive.imported"),
                                   { { QStringLiteral("archive_id"), qint64(res.archiveId) },
                                     { QStringLiteral("sha256"), res.sha256 },
                                     { QStringLiteral("export_id"), m.exportId },
                                     { QStringLiteral("tenant"), m.tenantId },
                                     { QStringLiteral("source"), source.path() },
                                     { QStringLiteral("state"), res.state },
                                     { QStringLiteral("state_detail"), res.stateDetail },
                                     { QStringLiteral("events"), qint64(inserter.events) },
                                     { QStringLiteral("transactions"), qint64(inserter.transactions) },
                                     { QStringLiteral("accounts"), qint64(inserter.accounts) },
                                     { QStringLiteral("quarantined"), qint64(inserter.quarantined) } });
        if (!seq)
            return dbFail(tr("Cannot write the journal"), seq.error().detail);
        auto u = db.prepare("UPDATE archives SET journal_seq = ? WHERE id = ?");
        if (!u)
            return dbFail(tr("Cannot write the journal"), db.lastError());
        u->bind(1, qint64(*seq));
        u->bind(2, qint64(res.archiveId));
        if (!u->run())
            return dbFail(tr("Cannot write the journal"), db.lastError());
    }
    res.finishSeconds = double(timer.nsecsElapsed()) / 1e9 - res.loadSeconds - res.fullTextSeconds;
    if (auto st = db.exec("COMMIT"); !st)
        return dbFail(tr("Cannot commit the import"), st.error().detail);
    committed = true;
    res.commitSeconds = double(timer.nsecsElapsed()) / 1e9 - res.loadSeconds - res.fullTextSeconds - res.finishSeconds;
#ifdef __GLIBC__
    // The batches and entity chunks were freed on another thread than the one that allocated them;
    // give the arenas' free pages back so a long run of imports does not creep up.
    malloc_trim(0);
#endif
    qCDebug(lcImport).noquote() << "commit" << phase.restart();

    res.events = inserter.events;
    res.transactions = inserter.transactions;
    res.accounts = inserter.accounts;
    res.quarantined = inserter.quarantined;
    res.bytes = dataBytes;
    prog.bytesDone = dataBytes;
    prog.rows = res.rows();
    prog.quarantined = res.quarantined;
    if (progress)
        progress(prog);
    return finish(ImportResult::Outcome::Imported);
}

/// A loose file presented as a one-file archive: the listing holds a manifest synthesized from the
/// file's hash, size, institution and format, so the import runs through exactly the same checks.
class LooseFileSource final : public ArchiveSource
{
public:
    LooseFileSource(const QString &path, QString entry, QByteArray manifest, int64_t bytes)
        : m_entry(std::move(entry))
        , m_manifest(std::move(manifest))
        , m_bytes(bytes)
    {
        m_path = path;
    }
    bool isZip() const override { return false; }
    QString container() const override { return QStringLiteral("file"); }
    Result<ArchiveListing> list() override
    {
        ArchiveListing l;
        l.files = QStringList { m_entry };
        l.hasManifest = true;
        l.manifest = m_manifest;
        l.totalBytes = m_bytes;
        return l;
    }
    Status stream(const QStringList &paths, const QVector<int64_t> &maxBytes, ArchiveVisitor &v) override
    {
        if (paths.size() != 1 || paths[0] != m_entry)
            return Error(Error::Code::Archive, tr("%1: internal error: unexpected file list").arg(m_path));
        QFile f(m_path);
        if (!f.open(QIODevice::ReadOnly))
            return Error(Error::Code::Archive, tr("Cannot read %1: %2").arg(m_path, f.errorString()));
        if (auto st = v.beginFile(m_entry); !st)
            return st;
        const int64_t cap = maxBytes.value(0, -1);
        QByteArray buf(256 << 10, Qt::Uninitialized);
        int64_t delivered = 0;
        for (;;) {
            const qint64 n = f.read(buf.data(), buf.size());
            if (n < 0)
                return Error(Error::Code::Archive, tr("Cannot read %1: %2").arg(m_path, f.errorString()));
            if (n == 0)
                break;
            // Never more than one byte past the cap: the consumer then reports the size change.
            const qint64 give = cap >= 0 ? std::min<qint64>(n, cap + 1 - delivered) : n;
            if (auto st = v.chunk(QByteArrayView(buf.constData(), give)); !st)
                return st;
            delivered += give;
            if (cap >= 0 && delivered > cap)
                break;
        }
        return v.endFile();
    }

private:
    QString m_entry;
    QByteArray m_manifest;
    int64_t m_bytes;
};

/// A rejection is part of what investigators did: journal it (nothing else is written).
void journalRejection(Workspace &ws, const QString &importedBy, const ImportResult &r)
{
    if (r.outcome != ImportResult::Outcome::Rejected)
        return;
    auto seq = journal::appendStandalone(ws.db(), importedBy, QStringLiteral("archive.rejected"),
                                         { { QStringLiteral("source"), r.archivePath },
                                           { QStringLiteral("sha256"), r.sha256 },
                                           { QStringLiteral("export_id"), r.exportId },
                                           { QStringLiteral("reason"), r.message } });
    if (!seq)
        qCWarning(lcImport) << "cannot journal the rejection of" << r.archivePath << seq.error().text();
}

} // namespace

/// The loose-file import proper (below); importFile() adds the journal entry for rejections.
ImportResult importFileImpl(Workspace &ws, const FileImportRequest &req, const ImportProgressFn &progress, const CancelFn &cancel);

ImportResult importArchive(Workspace &ws, const ImportRequest &req, const ImportProgressFn &progress, const CancelFn &cancel)
{
    ImportResult r = importSource(ws, req, ArchiveSource::open(req.archivePath), progress, cancel);
    journalRejection(ws, req.importedBy, r);
    return r;
}

ImportResult importFile(Workspace &ws, const FileImportRequest &req, const ImportProgressFn &progress, const CancelFn &cancel)
{
    ImportResult r = importFileImpl(ws, req, progress, cancel);
    journalRejection(ws, req.importedBy, r);
    return r;
}

QStringList looseFileFormats()
{
    return { QStringLiteral("cloudtrail"), QStringLiteral("camt.053"), QStringLiteral("mt940"), QStringLiteral("sea-csv"),
             QStringLiteral("sea-jsonl") };
}

ImportResult importFileImpl(Workspace &ws, const FileImportRequest &req, const ImportProgressFn &progress, const CancelFn &cancel)
{
    ImportRequest ar { req.filePath, req.importedBy, nullptr };
    const auto reject = [&](const QString &msg) {
        ImportResult r;
        r.archivePath = req.filePath;
        r.outcome = ImportResult::Outcome::Rejected;
        r.message = msg;
        r.tenantId = req.tenantId;
        return r;
    };
    if (req.tenantId.trimmed().isEmpty())
        return reject(tr("%1: an institution id is required for a loose file").arg(req.filePath));
    QString kind = req.kind;
    if (formats::isWholeFileFormat(req.format)) {
        if (kind.isEmpty())
            kind = formats::kindOf(req.format);
    } else if (req.format == u"sea-jsonl") {
        if (kind.isEmpty())
            kind = QStringLiteral("audit");
    } else if (req.format == u"sea-csv") {
        if (kind.isEmpty())
            kind = QStringLiteral("transactions");
    } else {
        return reject(tr("%1: unknown format \"%2\" (known: %3)").arg(req.filePath, req.format, looseFileFormats().join(QStringLiteral(", "))));
    }

    // Hash the file first: its hash is the source's identity (and export id), and the import then
    // checks that the file it parses is the file it hashed.
    const QFileInfo fi(req.filePath);
    if (!fi.isFile())
        return reject(tr("%1: not a file").arg(req.filePath));
    QFile f(req.filePath);
    if (!f.open(QIODevice::ReadOnly))
        return reject(tr("Cannot read %1: %2").arg(req.filePath, f.errorString()));
    Sha256 h;
    int64_t bytes = 0;
    {
        QByteArray buf(1 << 20, Qt::Uninitialized);
        for (qint64 n; (n = f.read(buf.data(), buf.size())) > 0;) {
            h.add(QByteArrayView(buf.constData(), n));
            bytes += n;
        }
    }
    const QString sha = QString::fromLatin1(h.hexResult());

    // Times without an offset (and dates) are read in: the given zone, else the institution's, else UTC.
    QString zone = req.timezone;
    if (zone.isEmpty()) {
        auto q = ws.db().prepare("SELECT default_timezone FROM tenants WHERE id = ?");
        if (q) {
            q->bind(1, req.tenantId);
            if (q->step() == Statement::StepResult::Row)
                zone = q->columnText(0);
        }
    }
    if (zone.isEmpty())
        zone = QStringLiteral("UTC");
    if (!QTimeZone(zone.toUtf8()).isValid())
        return reject(tr("%1: \"%2\" is not a known IANA time zone").arg(req.filePath, zone));

    QString entry = fi.fileName();
    if (!isSafeArchivePath(entry) || entry == u"manifest.json" || entry == u"manifest.sig")
        entry = QStringLiteral("file");
    QJsonObject fileObj { { QStringLiteral("path"), entry },
                          { QStringLiteral("kind"), kind },
                          { QStringLiteral("format"), req.format },
                          { QStringLiteral("sha256"), sha },
                          { QStringLiteral("bytes"), qint64(bytes) } };
    QJsonObject tenant { { QStringLiteral("id"), req.tenantId } };
    if (!req.tenantName.isEmpty())
        tenant.insert(QStringLiteral("name"), req.tenantName);
    const QJsonObject manifest {
        { QStringLiteral("format"), QStringLiteral("sea") },
        { QStringLiteral("version"), 1 },
        { QStringLiteral("export_id"), QString(u"file:" + sha) },
        { QStringLiteral("tenant"), tenant },
        { QStringLiteral("producer"), QJsonObject { { QStringLiteral("cloud"), QStringLiteral("loose file") } } },
        { QStringLiteral("created_at"), fi.lastModified().toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("default_timezone"), zone },
        { QStringLiteral("files"), QJsonArray { fileObj } },
        { QStringLiteral("source"), QJsonObject { { QStringLiteral("container"), QStringLiteral("file") },
                                                  { QStringLiteral("path"), fi.absoluteFilePath() } } },
    };
    const QByteArray manifestBytes = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    std::unique_ptr<ArchiveSource> src = std::make_unique<LooseFileSource>(req.filePath, entry, manifestBytes, bytes);
    ImportResult r = importSource(ws, ar, std::move(src), progress, cancel);
    // "FILE: ENTRY: reason" names the same file twice for a loose file.
    const QString twice = req.filePath + u": " + entry + u": ";
    if (r.message.startsWith(twice))
        r.message = req.filePath + u": " + r.message.mid(twice.size());
    return r;
}

Result<ParseReport> parseDataFile(const QString &kind, const QString &format, QByteArrayView data, const QString &timezone,
                                  qsizetype chunkBytes)
{
    Manifest m;
    m.exportId = QStringLiteral("parse");
    m.tenantId = QStringLiteral("parse");
    m.defaultTimezone = timezone;
    ManifestFile mf;
    mf.path = QStringLiteral("data");
    mf.kind = kind;
    mf.format = format;
    mf.sha256 = Sha256::hexHash(data);
    mf.bytes = data.size();
    m.files.push_back(mf);
    const bool known = (kind == u"audit" && format == u"sea-jsonl") || ((kind == u"transactions" || kind == u"accounts") && format == u"sea-csv")
        || (formats::isWholeFileFormat(format) && formats::kindOf(format) == kind);
    if (!known)
        return Error(Error::Code::Usage, tr("kind \"%1\" with format \"%2\" is not readable").arg(kind, format));
    const QTimeZone zone = timezone.isEmpty() ? QTimeZone() : QTimeZone(timezone.toUtf8());

    BatchQueue queue;
    std::atomic_bool stop { false };
    std::thread producer([&] {
        Producer p(m, zone, queue, stop, ImportRequest().entityChunk, QString());
        Status st = p.beginFile(mf.path);
        for (qsizetype pos = 0; st && pos < data.size(); pos += chunkBytes)
            st = p.chunk(data.sliced(pos, std::min(chunkBytes, data.size() - pos)));
        if (st)
            st = p.endFile();
        queue.finish(st);
    });
    ParseReport rep;
    while (auto b = queue.pop()) {
        for (const QuarantineItem &q : b->quarantine)
            rep.quarantine.push_back({ q.line, q.reason });
        if (b->kind == RowKind::Event)
            rep.events += b->rows;
        else if (b->kind == RowKind::Transaction)
            rep.transactions += b->rows;
        else
            rep.accounts += b->rows;
        if (b->kind == RowKind::Transaction)
            for (int r = 0; r < b->rows; ++r) {
                const Str *s = &b->strs[size_t(r * tx::NStr)];
                const int64_t *n = &b->ints[size_t(r * tx::NInt)];
                auto &tot = rep.totalsE4[b->view(s[tx::Currency]).toByteArray()];
                money::addChecked(tot, n[tx::AmountE4]);
            }
    }
    producer.join();
    if (Status st = queue.status(); !st)
        return st.error();
    return rep;
}

} // namespace casebook
