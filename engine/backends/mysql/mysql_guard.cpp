#include "backends/mysql/mysql_guard.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <chrono>
#include <sstream>

#include "stampede/guards/guard_registry.h"

namespace stampede::backends::mysql {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kOptimisticTries = 50;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// A number no other thread of this process ever had: std::thread::id values are reused after a
// thread ends, and a Qt Sql connection must never be handed to a thread that did not open it.
std::uint64_t threadSerial() {
    static std::atomic<std::uint64_t> next{1};
    thread_local const std::uint64_t serial = next.fetch_add(1);
    return serial;
}

}  // namespace

struct MySqlGuard::ThreadConnection {
    QString name;
    bool open = false;
    metrics::LatencyRecorder roundTrips;  // written by its own thread only
    Clock::time_point retryAt{};
    // Prepared once per connection: QMYSQL prepares on the server, so preparing per decision
    // would double the round trips. Cleared when the connection is made again.
    std::map<int, std::unique_ptr<QSqlQuery>> statements;
};

namespace {
enum Statement {
    kAtomicUpdate,
    kLockedRead,
    kLockedUpdate,
    kVersionRead,
    kVersionUpdate,
    kApplyUser,
    kNaiveRead,
    kNaiveWrite
};

QSqlQuery& statement(std::map<int, std::unique_ptr<QSqlQuery>>& cache, const QSqlDatabase& db,
                     Statement which, const QString& sql) {
    auto& slot = cache[which];
    if (!slot) {
        slot = std::make_unique<QSqlQuery>(db);
        slot->prepare(sql);
    }
    return *slot;
}
}  // namespace

MySqlGuard::MySqlGuard(Mode mode, store::StoreUrl url, int pool)
    : m_mode(mode), m_url(std::move(url)), m_poolSize(std::max(0, pool)) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    m_runKey =
        "run-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
    std::ostringstream prefix;
    prefix << "stampede-guard-" << this << "-";
    m_namePrefix = prefix.str();
}

MySqlGuard::~MySqlGuard() {
    std::lock_guard lock(m_mutex);
    // The threads that opened these are gone; removing closes them.
    for (auto& [id, c] : m_connections) {
        c->statements.clear();
        QSqlDatabase::removeDatabase(c->name);
    }
}

std::string_view MySqlGuard::name() const {
    switch (m_mode) {
        case Mode::Atomic:
            return "mysql-atomic";
        case Mode::Pessimistic:
            return "mysql-pessimistic";
        case Mode::Optimistic:
            return "mysql-optimistic";
        case Mode::Naive:
            return "mysql-naive";
    }
    return "mysql";
}

MySqlGuard::ThreadConnection* MySqlGuard::connection(bool* backingOff) const {
    ThreadConnection* c = nullptr;
    {
        std::lock_guard lock(m_mutex);
        auto& slot = m_connections[threadSerial()];
        if (!slot) {
            slot = std::make_unique<ThreadConnection>();
            slot->name = qs(m_namePrefix + std::to_string(threadSerial()));
        }
        c = slot.get();
    }
    QSqlDatabase db = QSqlDatabase::database(c->name, false);
    if (c->open && db.isOpen()) return c;
    // Backing off after a failed connect, while the server is still down for everyone: once
    // another connection has had an answer, this one tries again at once.
    if (Clock::now() < c->retryAt && m_outage.running()) {
        if (backingOff) *backingOff = true;
        return nullptr;
    }
    if (!db.isValid()) {
        store::addMySqlConnection(m_url, c->name, 2, 5);  // a decision waits seconds at most
        db = QSqlDatabase::database(c->name, false);
    }
    if (!db.open()) {
        c->retryAt = Clock::now() + std::chrono::milliseconds(200);
        return nullptr;
    }
    QSqlQuery(db).exec(QStringLiteral("SET SESSION innodb_lock_wait_timeout = 5"));
    // MariaDB's default, said anyway: the naive guard's lesson is REPEATABLE READ's lost update.
    if (m_mode == Mode::Naive)
        QSqlQuery(db).exec(
            QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    c->statements.clear();
    c->open = true;
    m_pool.connectionOpened();
    m_reconnects.fetch_add(1, std::memory_order_relaxed);
    return c;
}

std::string MySqlGuard::backendName() const {
    return "MySQL at " + m_url.toString();
}

std::string MySqlGuard::probe() {
    ThreadConnection* c = connection();
    if (c) return {};
    QString name;
    {
        std::lock_guard lock(m_mutex);
        name = m_connections.at(threadSerial())->name;
    }
    const QSqlDatabase db = QSqlDatabase::database(name, false);
    return m_url.toString() + ": cannot connect: " + db.lastError().text().toStdString();
}

void MySqlGuard::reset(std::span<const std::int64_t> stocks, int) {
    ThreadConnection* c = connection();
    if (!c) return;
    QSqlDatabase db = QSqlDatabase::database(c->name, false);
    QSqlQuery q(db);
    q.exec(QStringLiteral(
        "CREATE TABLE IF NOT EXISTS stampede_stock (run_key VARCHAR(64) NOT NULL, "
        "campaign INT NOT NULL, stock BIGINT NOT NULL, remaining BIGINT NOT NULL, "
        "version BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (run_key, campaign)) ENGINE=InnoDB"));
    q.exec(
        QStringLiteral("CREATE TABLE IF NOT EXISTS stampede_applied (run_key VARCHAR(64) NOT NULL, "
                       "campaign INT NOT NULL, user BIGINT UNSIGNED NOT NULL, "
                       "PRIMARY KEY (run_key, campaign, user)) ENGINE=InnoDB"));
    for (std::size_t i = 0; i < stocks.size(); ++i) {
        q.prepare(QStringLiteral(
            "REPLACE INTO stampede_stock (run_key, campaign, stock, remaining, version) "
            "VALUES (?, ?, ?, ?, 0)"));
        q.addBindValue(qs(m_runKey));
        q.addBindValue(int(i));
        q.addBindValue(qint64(stocks[i]));
        q.addBindValue(qint64(stocks[i]));
        q.exec();
    }
}

// One of the pool's connections in use, for one decision. With every one in use the decision
// waits, counted among the waiting (HikariCP's pending threads), until one is given back.
struct MySqlGuard::PoolPermit {
    MySqlGuard& guard;
    explicit PoolPermit(MySqlGuard& g) : guard(g) {
        if (guard.m_poolSize == 0) return;
        std::unique_lock lock(guard.m_poolMutex);
        if (guard.m_inUse >= guard.m_poolSize) {
            const auto waiting = guard.m_pool.waiting();
            guard.m_poolFree.wait(lock, [this] { return guard.m_inUse < guard.m_poolSize; });
        }
        ++guard.m_inUse;
    }
    ~PoolPermit() {
        if (guard.m_poolSize == 0) return;
        {
            std::lock_guard lock(guard.m_poolMutex);
            --guard.m_inUse;
        }
        guard.m_poolFree.notify_one();
    }
    PoolPermit(const PoolPermit&) = delete;
    PoolPermit& operator=(const PoolPermit&) = delete;
};

// One decision's bookkeeping: a connection of the pool, its busy gauge, the round-trip time
// (from when the connection was had), and what a failed statement means (a deadlock, a
// lock-wait timeout or a lost connection: all transient).
struct MySqlGuard::Decision {
    MySqlGuard& guard;
    ThreadConnection& c;
    QSqlDatabase db;
    PoolPermit permit;
    guards::PoolGauge::Scope busy;
    Clock::time_point t0 = Clock::now();

    Decision(MySqlGuard& g, ThreadConnection& connection)
        : guard(g),
          c(connection),
          db(QSqlDatabase::database(connection.name, false)),
          permit(g),
          busy(g.m_pool.busy()) {}

    guards::TakeResult done(guards::TakeResult r) {
        if (r != guards::TakeResult::Unavailable) guard.m_outage.answered();
        c.roundTrips.record(std::uint64_t(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()));
        guard.m_roundTrips.fetch_add(1, std::memory_order_relaxed);
        return r;
    }
    guards::TakeResult failed() {
        guard.m_errors.fetch_add(1, std::memory_order_relaxed);
        db.rollback();
        // A timed-out or lost connection may still look open: make a fresh one next time. (A
        // deadlock pays one needless reconnect; a dead socket reused would fail every request.)
        c.open = false;
        guard.m_pool.connectionClosed();
        return done(guards::TakeResult::Unavailable);
    }
};

bool MySqlGuard::attach(const std::string& sharedKey, int, int, std::string& error) {
    m_runKey = sharedKey;
    error = probe();
    return error.empty();
}

guards::TakeResult MySqlGuard::take(int campaign, int) {
    return decide(campaign, nullptr);
}

guards::TakeResult MySqlGuard::takeFor(int campaign, int, std::uint64_t user) {
    return decide(campaign, m_mode == Mode::Naive ? nullptr : &user);  // naive records nobody
}

// Every mode, with or without a user. With one, the user's row goes into stampede_applied first,
// in the same transaction as the decrement: a user seen before is answered Taken without a second
// unit, and a rollback (sold out, a conflict, a failure) takes the row out again.
guards::TakeResult MySqlGuard::decide(int campaign, const std::uint64_t* user) {
    bool backingOff = false;
    ThreadConnection* c = connection(&backingOff);
    if (!c) {
        m_errors.fetch_add(1, std::memory_order_relaxed);
        // A connection waiting out its back-off tried nothing: an answer another thread had
        // meanwhile (the server back) must not be undone by it.
        if (!backingOff) m_outage.unreachable();
        return guards::TakeResult::Unavailable;
    }
    Decision decision(*this, *c);
    QSqlDatabase& db = decision.db;
    auto done = [&decision](guards::TakeResult r) { return decision.done(r); };
    auto failed = [&decision] { return decision.failed(); };
    bool open = false;  // a transaction of ours is open
    // Opens the transaction and records the user; an answer when there is nothing more to do.
    auto begin = [&]() -> std::optional<guards::TakeResult> {
        if (!db.transaction()) return failed();
        open = true;
        if (!user) return std::nullopt;
        QSqlQuery& apply =
            statement(c->statements, db, kApplyUser,
                      QStringLiteral("INSERT IGNORE INTO stampede_applied (run_key, campaign, "
                                     "user) VALUES (?, ?, ?)"));
        apply.addBindValue(qs(m_runKey));
        apply.addBindValue(campaign);
        apply.addBindValue(QVariant::fromValue<qulonglong>(*user));
        if (!apply.exec()) return failed();
        if (apply.numRowsAffected() == 0) {  // this user took a unit before: the same answer
            db.commit();
            return done(guards::TakeResult::AlreadyHeld);
        }
        return std::nullopt;
    };
    // Ends a decision that took nothing: the user's row (if any) goes with the rollback.
    auto nothing = [&](guards::TakeResult r) {
        if (open) db.rollback();
        open = false;
        return done(r);
    };
    switch (m_mode) {
        case Mode::Naive: {
            // Seed 003's first try: read, compute, write back, in a REPEATABLE READ transaction.
            // The plain SELECT reads the snapshot without a lock, so two deciders read the same
            // count and the second UPDATE, once the first commits, writes the same value again:
            // a lost update, one unit issued twice. A lesson, never a choice.
            if (!db.transaction()) return failed();
            open = true;
            QSqlQuery& q =
                statement(c->statements, db, kNaiveRead,
                          QStringLiteral("SELECT remaining FROM stampede_stock WHERE run_key = ? "
                                         "AND campaign = ?"));
            q.addBindValue(qs(m_runKey));
            q.addBindValue(campaign);
            if (!q.exec() || !q.next()) return failed();
            const qint64 remaining = q.value(0).toLongLong();
            q.finish();
            if (remaining <= 0) return nothing(guards::TakeResult::SoldOut);
            QSqlQuery& u = statement(
                c->statements, db, kNaiveWrite,
                QStringLiteral("UPDATE stampede_stock SET remaining = ? WHERE run_key = ? AND "
                               "campaign = ?"));
            u.addBindValue(remaining - 1);
            u.addBindValue(qs(m_runKey));
            u.addBindValue(campaign);
            if (!u.exec() || !db.commit()) return failed();
            return done(guards::TakeResult::Taken);
        }
        case Mode::Atomic: {
            // Alone, the UPDATE is its own transaction (seed 001's one round trip).
            if (user)
                if (auto answer = begin()) return *answer;
            QSqlQuery& q =
                statement(c->statements, db, kAtomicUpdate,
                          QStringLiteral("UPDATE stampede_stock SET remaining = remaining - 1 "
                                         "WHERE run_key = ? AND campaign = ? AND remaining > 0"));
            q.addBindValue(qs(m_runKey));
            q.addBindValue(campaign);
            if (!q.exec()) return failed();
            if (q.numRowsAffected() != 1) return nothing(guards::TakeResult::SoldOut);
            if (user && !db.commit()) return failed();
            return done(guards::TakeResult::Taken);
        }
        case Mode::Pessimistic: {
            if (auto answer = begin()) return *answer;
            QSqlQuery& q = statement(
                c->statements, db, kLockedRead,
                QStringLiteral("SELECT remaining FROM stampede_stock WHERE run_key = ? AND "
                               "campaign = ? FOR UPDATE"));
            q.addBindValue(qs(m_runKey));
            q.addBindValue(campaign);
            bool read = false;
            {
                const auto waiting = m_pool.waiting();  // for the row lock, as seed 003 saw
                read = q.exec() && q.next();
            }
            if (!read) return failed();
            const qint64 remaining = q.value(0).toLongLong();
            q.finish();
            if (remaining <= 0) return nothing(guards::TakeResult::SoldOut);
            QSqlQuery& u = statement(
                c->statements, db, kLockedUpdate,
                QStringLiteral("UPDATE stampede_stock SET remaining = remaining - 1 WHERE run_key "
                               "= ? AND campaign = ?"));
            u.addBindValue(qs(m_runKey));
            u.addBindValue(campaign);
            if (!u.exec() || !db.commit()) return failed();
            return done(guards::TakeResult::Taken);
        }
        case Mode::Optimistic: {
            // Each try is a transaction of its own when a user is recorded: a conflict rolls the
            // user's row back with it, and the next try reads a fresh snapshot.
            std::unique_ptr<guards::PoolGauge::Scope> retrying;
            for (int attempt = 0; attempt < kOptimisticTries; ++attempt) {
                if (user)
                    if (auto answer = begin()) return *answer;
                QSqlQuery& q = statement(
                    c->statements, db, kVersionRead,
                    QStringLiteral("SELECT remaining, version FROM stampede_stock WHERE run_key = "
                                   "? AND campaign = ?"));
                q.addBindValue(qs(m_runKey));
                q.addBindValue(campaign);
                if (!q.exec() || !q.next()) return failed();
                const qint64 remaining = q.value(0).toLongLong();
                const qint64 version = q.value(1).toLongLong();
                q.finish();
                if (remaining <= 0) return nothing(guards::TakeResult::SoldOut);
                QSqlQuery& u = statement(
                    c->statements, db, kVersionUpdate,
                    QStringLiteral("UPDATE stampede_stock SET remaining = remaining - 1, version = "
                                   "version + 1 WHERE run_key = ? AND campaign = ? AND version = ? "
                                   "AND remaining > 0"));
                u.addBindValue(qs(m_runKey));
                u.addBindValue(campaign);
                u.addBindValue(version);
                if (!u.exec()) return failed();
                if (u.numRowsAffected() == 1) {
                    if (user && !db.commit()) return failed();
                    return done(guards::TakeResult::Taken);
                }
                if (open) db.rollback();  // this try's transaction ends with it
                open = false;
                m_conflicts.fetch_add(1, std::memory_order_relaxed);  // someone else won
                if (!retrying) retrying = m_pool.startWaiting();
            }
            return done(guards::TakeResult::Unavailable);
        }
    }
    return guards::TakeResult::Unavailable;
}

void MySqlGuard::giveBack(int campaign, int) {
    if (ThreadConnection* c = connection()) {
        QSqlQuery q(QSqlDatabase::database(c->name, false));
        q.prepare(QStringLiteral(
            "UPDATE stampede_stock SET remaining = remaining + 1, version = version + 1 "
            "WHERE run_key = ? AND campaign = ?"));
        q.addBindValue(qs(m_runKey));
        q.addBindValue(campaign);
        q.exec();
    }
}

void MySqlGuard::giveBackFor(int campaign, int lane, std::uint64_t user) {
    if (m_mode == Mode::Naive) {
        giveBack(campaign, lane);
        return;
    }
    ThreadConnection* c = connection();
    if (!c) return;
    QSqlDatabase db = QSqlDatabase::database(c->name, false);
    if (!db.transaction()) return;
    QSqlQuery del(db);
    del.prepare(QStringLiteral(
        "DELETE FROM stampede_applied WHERE run_key = ? AND campaign = ? AND user = ?"));
    del.addBindValue(qs(m_runKey));
    del.addBindValue(campaign);
    del.addBindValue(QVariant::fromValue<qulonglong>(user));
    if (!del.exec() || del.numRowsAffected() != 1) {
        db.rollback();
        return;
    }
    QSqlQuery inc(db);
    inc.prepare(
        QStringLiteral("UPDATE stampede_stock SET remaining = remaining + 1, version = version + 1 "
                       "WHERE run_key = ? AND campaign = ?"));
    inc.addBindValue(qs(m_runKey));
    inc.addBindValue(campaign);
    if (!inc.exec() || !db.commit()) db.rollback();
}

guards::StockChange MySqlGuard::setStock(int campaign, std::int64_t stock) {
    ThreadConnection* c = connection();
    if (!c || stock < 0) return guards::StockChange::UnknownCampaign;
    QSqlDatabase db = QSqlDatabase::database(c->name, false);
    db.transaction();
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT stock, remaining FROM stampede_stock WHERE run_key = ? AND campaign "
                       "= ? FOR UPDATE"));
    q.addBindValue(qs(m_runKey));
    q.addBindValue(campaign);
    if (!q.exec() || !q.next()) {
        db.rollback();
        return guards::StockChange::UnknownCampaign;
    }
    const qint64 delta = stock - q.value(0).toLongLong();
    if (q.value(1).toLongLong() + delta < 0) {
        db.rollback();
        return guards::StockChange::BelowTaken;
    }
    QSqlQuery u(db);
    u.prepare(QStringLiteral(
        "UPDATE stampede_stock SET stock = ?, remaining = remaining + ?, version = version + 1 "
        "WHERE run_key = ? AND campaign = ?"));
    u.addBindValue(qint64(stock));
    u.addBindValue(delta);
    u.addBindValue(qs(m_runKey));
    u.addBindValue(campaign);
    if (!u.exec() || !db.commit()) {
        db.rollback();
        return guards::StockChange::UnknownCampaign;
    }
    return guards::StockChange::Applied;
}

// stock and remaining feed every snapshot: when the server does not answer, the last value read
// stands (a 0 would read as an over-issue), and the connection is made again next time.
std::int64_t MySqlGuard::readColumn(int campaign, const char* column) const {
    const std::string key = std::string(column) + ":" + std::to_string(campaign);
    ThreadConnection* c = connection();
    if (c) {
        QSqlDatabase db = QSqlDatabase::database(c->name, false);
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT %1 FROM stampede_stock WHERE run_key = ? AND campaign = ?")
                      .arg(QLatin1String(column)));
        q.addBindValue(qs(m_runKey));
        q.addBindValue(campaign);
        if (q.exec() && q.next()) {
            const std::int64_t value = q.value(0).toLongLong();
            std::lock_guard lock(m_mutex);
            m_lastRead[key] = value;
            return value;
        }
        m_errors.fetch_add(1, std::memory_order_relaxed);
        c->open = false;
    }
    std::lock_guard lock(m_mutex);
    const auto it = m_lastRead.find(key);
    return it == m_lastRead.end() ? 0 : it->second;
}

std::optional<bool> MySqlGuard::holdsUnit(int campaign, std::uint64_t user) {
    if (m_mode == Mode::Naive) return std::nullopt;  // it keeps no record of users
    ThreadConnection* c = connection();
    if (!c) return std::nullopt;
    QSqlQuery q(QSqlDatabase::database(c->name, false));
    q.prepare(QStringLiteral(
        "SELECT COUNT(*) FROM stampede_applied WHERE run_key = ? AND campaign = ? AND user = ?"));
    q.addBindValue(qs(m_runKey));
    q.addBindValue(campaign);
    q.addBindValue(QVariant::fromValue<qulonglong>(user));
    if (!q.exec() || !q.next()) {
        m_errors.fetch_add(1, std::memory_order_relaxed);
        c->open = false;
        return std::nullopt;
    }
    return q.value(0).toLongLong() > 0;
}

std::int64_t MySqlGuard::stock(int campaign) const {
    return readColumn(campaign, "stock");
}
std::int64_t MySqlGuard::remaining(int campaign) const {
    return readColumn(campaign, "remaining");
}

guards::BackendStats MySqlGuard::backendStats() const {
    guards::BackendStats s;
    s.kind = "mysql";
    s.roundTrips = m_roundTrips.load(std::memory_order_relaxed);
    s.errors = m_errors.load(std::memory_order_relaxed);
    s.reconnects = m_reconnects.load(std::memory_order_relaxed);
    metrics::LatencyHistogram h;
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [id, c] : m_connections) c->roundTrips.addTo(h);
    }
    // A statement's time is mostly waiting for the row: under the pessimistic lock that is the
    // queue seed 003 saw in HikariCP's pending threads.
    s.roundTripP95Ms = double(h.percentile(0.95)) / 1e6;
    s.waitP95Ms = m_pool.waitP95Ms();
    s.connections = m_pool.connections();
    s.busy = m_pool.busyNow();
    s.busyPeak = m_pool.busyPeak();
    s.waiting = m_pool.waitingNow();
    s.waitingPeak = m_pool.waitingPeak();
    s.detail = "stampede_stock run_key=" + m_runKey + ", optimistic conflicts " +
               std::to_string(m_conflicts.load(std::memory_order_relaxed));
    if (m_poolSize > 0)
        s.detail += ", pool of " + std::to_string(m_poolSize) + " (connections in use at once)";
    return s;
}

std::unique_ptr<guards::Guard> makeMySqlGuard(std::string_view name, const store::StoreUrl& url,
                                              std::string& error, int pool) {
    MySqlGuard::Mode mode;
    if (name == "mysql-atomic")
        mode = MySqlGuard::Mode::Atomic;
    else if (name == "mysql-pessimistic")
        mode = MySqlGuard::Mode::Pessimistic;
    else if (name == "mysql-optimistic")
        mode = MySqlGuard::Mode::Optimistic;
    else if (name == "mysql-naive")
        mode = MySqlGuard::Mode::Naive;
    else {
        error = "not a MySQL guard: " + std::string(name);
        return nullptr;
    }
    if (url.kind != store::StoreUrl::Kind::MySql) {
        error = "guard " + std::string(name) + " needs " +
                std::string(guards::needsOf(guards::GuardFamily::MySql)) +
                " (a mysql://USER@HOST:PORT/DB URL)";
        return nullptr;
    }
    auto guard = std::make_unique<MySqlGuard>(mode, url, pool);
    if (std::string why = guard->probe(); !why.empty()) {
        error = "guard " + std::string(name) + ": " + why;
        return nullptr;
    }
    return guard;
}

}  // namespace stampede::backends::mysql
