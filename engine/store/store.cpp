#include "stampede/store/store.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>

#include "stampede/sim/scenario.h"

namespace stampede::store {
namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

bool isSqlite(const StoreUrl& url) {
    return url.kind == StoreUrl::Kind::Sqlite;
}

// Both dialects in one place: the few statements that differ.
QString insertIgnore(const StoreUrl& url) {
    return isSqlite(url) ? QStringLiteral("INSERT OR IGNORE INTO ")
                         : QStringLiteral("INSERT IGNORE INTO ");
}
QString upsert(const StoreUrl& url) {
    return isSqlite(url) ? QStringLiteral("INSERT OR REPLACE INTO ")
                         : QStringLiteral("REPLACE INTO ");
}

QString nowIso() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

// Migrations shipped with the program, in order: (version, statements).
std::vector<std::pair<int, QStringList>> shippedMigrations(const StoreUrl& url) {
    const QDir dir(isSqlite(url) ? QStringLiteral(":/sql/sqlite") : QStringLiteral(":/sql/mysql"));
    std::vector<std::pair<int, QStringList>> out;
    for (const QString& name : dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) continue;
        QStringList statements;
        QString current;
        for (const QString& rawLine : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'))) {
            QString line = rawLine;
            if (const auto dash = line.indexOf(QStringLiteral("--")); dash >= 0)
                line.truncate(dash);
            current += line + QLatin1Char('\n');
            if (line.trimmed().endsWith(QLatin1Char(';'))) {
                statements << current.trimmed().chopped(1);
                current.clear();
            }
        }
        out.emplace_back(name.section(QLatin1Char('_'), 0, 0).toInt(), statements);
    }
    return out;
}

QString errorsJson(const std::vector<dlq::AttemptError>& errors) {
    QJsonArray array;
    for (const auto& e : errors)
        array.append(QJsonObject{{QStringLiteral("attempt"), e.attempt},
                                 {QStringLiteral("at_ns"), static_cast<qint64>(e.atNs)},
                                 {QStringLiteral("message"), qs(e.message)}});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

std::vector<dlq::AttemptError> errorsFromJson(const QString& text) {
    std::vector<dlq::AttemptError> out;
    for (const QJsonValue& v : QJsonDocument::fromJson(text.toUtf8()).array()) {
        const QJsonObject o = v.toObject();
        out.push_back({o.value(QStringLiteral("attempt")).toInt(),
                       o.value(QStringLiteral("at_ns")).toInteger(),
                       o.value(QStringLiteral("message")).toString().toStdString()});
    }
    return out;
}

}  // namespace

struct Store::Connection {
    QString name;
    // The coupon INSERT stays prepared across calls, per batch size: preparing a statement of
    // 3,000 placeholders for every call cost the store two thirds of its rate.
    std::map<QString, QSqlQuery> inserts;
    QSqlDatabase db() const { return QSqlDatabase::database(name, false); }
    ~Connection() {
        inserts.clear();
        {
            QSqlDatabase d = db();
            if (d.isOpen()) d.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
};

Store::Store(StoreUrl url) : m_url(std::move(url)) {}
Store::~Store() = default;

int Store::knownSchemaVersion() {
    StoreUrl sqlite;
    const auto migrations = shippedMigrations(sqlite);
    return migrations.empty() ? 0 : migrations.back().first;
}

std::unique_ptr<Store> Store::open(const StoreUrl& url, std::string& error) {
    std::unique_ptr<Store> store(new Store(url));
    if (!store->connect(error) || !store->migrate(error)) return nullptr;
    store->markInterruptedRuns();
    return store;
}

bool Store::fail(const std::string& what) {
    m_error = m_url.toString() + ": " + what;
    return false;
}

bool Store::connect(std::string& error) {
    m_db = std::make_unique<Connection>();
    m_db->name = QStringLiteral("stampede-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (isSqlite(m_url)) {
        const QFileInfo file(qs(m_url.path));
        if (!QDir().mkpath(file.absolutePath())) {
            error = m_url.toString() + ": cannot create the folder " +
                    file.absolutePath().toStdString();
            return false;
        }
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_db->name);
        db.setDatabaseName(file.absoluteFilePath());
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            error = m_url.toString() + ": cannot open: " + db.lastError().text().toStdString();
            return false;
        }
        // A corrupt or foreign file fails here, before anything is written to it.
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next() ||
            !q.exec(QStringLiteral("PRAGMA synchronous=NORMAL")) ||
            !q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master"))) {
            error = m_url.toString() + ": not a usable SQLite database (" +
                    q.lastError().text().toStdString() + ")";
            return false;
        }
        if (!file.isWritable() && file.exists()) {
            error = m_url.toString() + ": the file is read-only";
            return false;
        }
        return true;
    }
    addMySqlConnection(m_url, m_db->name, 5, 30);
    QSqlDatabase db = QSqlDatabase::database(m_db->name, false);
    if (!db.open()) {
        error = m_url.toString() + ": cannot connect: " + db.lastError().text().toStdString();
        return false;
    }
    return true;
}

bool Store::migrate(std::string& error) {
    QSqlDatabase db = m_db->db();
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))) {
        error = m_url.toString() +
                ": cannot create schema_version: " + q.lastError().text().toStdString();
        return false;
    }
    if (!q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version")) ||
        !q.next()) {
        error = m_url.toString() +
                ": cannot read the schema version: " + q.lastError().text().toStdString();
        return false;
    }
    m_schemaVersion = q.value(0).toInt();
    const auto migrations = shippedMigrations(m_url);
    const int known = migrations.empty() ? 0 : migrations.back().first;
    if (m_schemaVersion > known) {
        error = m_url.toString() + ": its schema version " + std::to_string(m_schemaVersion) +
                " is newer than this Stampede knows (" + std::to_string(known) +
                "); use a newer Stampede, or another store";
        return false;
    }
    for (const auto& [version, statements] : migrations) {
        if (version <= m_schemaVersion) continue;
        db.transaction();
        for (const QString& statement : statements) {
            if (!q.exec(statement)) {
                const std::string why = q.lastError().text().toStdString();
                db.rollback();
                error =
                    m_url.toString() + ": migration " + std::to_string(version) + " failed: " + why;
                return false;
            }
        }
        q.prepare(QStringLiteral("INSERT INTO schema_version (version) VALUES (?)"));
        q.addBindValue(version);
        if (!q.exec() || !db.commit()) {
            error = m_url.toString() + ": cannot record migration " + std::to_string(version);
            db.rollback();
            return false;
        }
        m_schemaVersion = version;
    }
    return true;
}

// A run still marked running whose process is gone was killed: say so.
void Store::markInterruptedRuns() {
    QSqlQuery q(m_db->db());
    if (!q.exec(QStringLiteral("SELECT id, owner_pid FROM runs WHERE status = 'running'"))) return;
    std::vector<std::int64_t> dead;
    while (q.next()) {
        const auto pid = static_cast<pid_t>(q.value(1).toLongLong());
        if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH))
            dead.push_back(q.value(0).toLongLong());
    }
    for (const std::int64_t id : dead) {
        QSqlQuery u(m_db->db());
        u.prepare(
            QStringLiteral("UPDATE runs SET status = 'interrupted', finished_at = ? WHERE id = ?"));
        u.addBindValue(nowIso());
        u.addBindValue(static_cast<qint64>(id));
        u.exec();
    }
}

std::optional<std::int64_t> Store::beginRun(const sim::Scenario& scenario) {
    QSqlDatabase db = m_db->db();
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO runs (scenario, config_json, seed, status, started_at, owner_pid) "
        "VALUES (?, ?, ?, 'running', ?, ?)"));
    q.addBindValue(qs(scenario.name));
    q.addBindValue(qs(sim::toJson(scenario)));
    q.addBindValue(static_cast<qint64>(scenario.seed));
    q.addBindValue(nowIso());
    q.addBindValue(static_cast<qint64>(::getpid()));
    if (!q.exec()) {
        fail("cannot record the run: " + q.lastError().text().toStdString());
        db.rollback();
        return std::nullopt;
    }
    const std::int64_t runId = q.lastInsertId().toLongLong();
    for (const auto& c : scenario.campaigns) {
        QSqlQuery cq(db);
        cq.prepare(QStringLiteral(
            "INSERT INTO campaigns (run_id, id, name, policy, stock, requires_verification, "
            "opens_after_ms, closes_after_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        cq.addBindValue(static_cast<qint64>(runId));
        cq.addBindValue(qs(c.id));
        cq.addBindValue(qs(c.name));
        cq.addBindValue(QString::fromUtf8(core::toString(c.policy).data()));
        cq.addBindValue(static_cast<qint64>(c.stock));
        cq.addBindValue(c.requiresVerification ? 1 : 0);
        cq.addBindValue(static_cast<qint64>(c.opensAfterMs));
        cq.addBindValue(c.closesAfterMs ? QVariant(static_cast<qint64>(*c.closesAfterMs))
                                        : QVariant());
        if (!cq.exec()) {
            fail("cannot record campaign " + c.id + ": " + cq.lastError().text().toStdString());
            db.rollback();
            return std::nullopt;
        }
    }
    if (!db.commit()) {
        fail("cannot commit the run: " + db.lastError().text().toStdString());
        return std::nullopt;
    }
    return runId;
}

bool Store::finishRun(std::int64_t runId, const std::string& status, const std::string& summaryJson,
                      std::int64_t rowsWritten, double lagMs) {
    QSqlQuery q(m_db->db());
    q.prepare(QStringLiteral(
        "UPDATE runs SET status = ?, finished_at = ?, summary_json = ?, rows_written = ?, "
        "persistence_lag_ms = ? WHERE id = ?"));
    q.addBindValue(qs(status));
    q.addBindValue(nowIso());
    q.addBindValue(qs(summaryJson));
    q.addBindValue(static_cast<qint64>(rowsWritten));
    q.addBindValue(lagMs);
    q.addBindValue(static_cast<qint64>(runId));
    return q.exec() || fail("cannot finish run " + std::to_string(runId) + ": " +
                            q.lastError().text().toStdString());
}

// 50 bits of a 64-bit mix of (campaign, user), in a 32-letter alphabet without 0/O and 1/I.
// Not a secret: a label a customer can read out, unique enough within a campaign; it costs
// nanoseconds, where a SHA-256 per row halved the store's insert rate.
std::string Store::couponCode(const std::string& campaign, const std::string& user) {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then a splitmix finaliser
    for (const char ch : campaign) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
    for (const char ch : user) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string code = "SP-";
    for (int i = 0; i < 10; ++i) {
        if (i == 5) code += '-';
        code += kAlphabet[(h >> (5 * i)) & 31];
    }
    return code;
}

// Multi-row INSERTs of `rows` rows (500 per statement, seed 003's batch insert) in one
// transaction. The statements stay prepared across calls, per table and row count: preparing a
// statement of 3,000 placeholders for every call cost two thirds of the insert rate.
std::int64_t Store::insertRows(const QString& table, const QStringList& columns, std::size_t rows,
                               const std::function<void(QSqlQuery&, std::size_t)>& bindRow,
                               const std::function<bool(std::int64_t)>& beforeCommit) {
    constexpr std::size_t kRowsPerInsert = 500;
    QSqlDatabase db = m_db->db();
    if (!db.transaction()) {
        fail("cannot begin a transaction: " + db.lastError().text().toStdString());
        return -1;
    }
    QString placeholders = QStringLiteral("(?");
    for (int c = 1; c < columns.size(); ++c) placeholders += QStringLiteral(",?");
    placeholders += QLatin1Char(')');
    std::int64_t written = 0;
    for (std::size_t start = 0; start < rows; start += kRowsPerInsert) {
        const std::size_t n = std::min(kRowsPerInsert, rows - start);
        const QString key = table + QLatin1Char('/') + QString::number(n);
        auto found = m_db->inserts.find(key);
        if (found == m_db->inserts.end()) {
            QString sql = insertIgnore(m_url) + table + QStringLiteral(" (") +
                          columns.join(QStringLiteral(", ")) + QStringLiteral(") VALUES ");
            for (std::size_t i = 0; i < n; ++i)
                sql += i ? QLatin1Char(',') + placeholders : placeholders;
            QSqlQuery prepared(db);
            if (!prepared.prepare(sql)) {
                db.rollback();
                fail("cannot prepare the insert into " + table.toStdString() + ": " +
                     prepared.lastError().text().toStdString());
                return -1;
            }
            found = m_db->inserts.emplace(key, std::move(prepared)).first;
        }
        QSqlQuery& q = found->second;
        for (std::size_t i = 0; i < n; ++i) bindRow(q, start + i);
        if (!q.exec()) {
            const std::string why = q.lastError().text().toStdString();
            db.rollback();
            fail("cannot write " + table.toStdString() + ": " + why);
            return -1;
        }
        written += q.numRowsAffected();
    }
    if (beforeCommit && !beforeCommit(written)) {
        db.rollback();
        return -1;
    }
    if (!db.commit()) {
        fail("cannot commit " + table.toStdString() + ": " + db.lastError().text().toStdString());
        return -1;
    }
    return written;
}

std::int64_t Store::insertIssued(std::int64_t runId, std::span<const IssuedCoupon> coupons) {
    static const QStringList columns = {QStringLiteral("run_id"), QStringLiteral("campaign"),
                                        QStringLiteral("user"),   QStringLiteral("request_id"),
                                        QStringLiteral("code"),   QStringLiteral("issued_at_ns")};
    // The run's rows_written moves with its rows, in their transaction: a run killed mid-way
    // says how many it wrote.
    auto countThem = [&](std::int64_t written) {
        QSqlQuery u(m_db->db());
        u.prepare(QStringLiteral("UPDATE runs SET rows_written = rows_written + ? WHERE id = ?"));
        u.addBindValue(static_cast<qint64>(written));
        u.addBindValue(static_cast<qint64>(runId));
        return u.exec() ||
               fail("cannot count the rows written: " + u.lastError().text().toStdString());
    };
    return insertRows(
        QStringLiteral("issued_coupons"), columns, coupons.size(),
        [&](QSqlQuery& q, std::size_t i) {
            const IssuedCoupon& c = coupons[i];
            q.addBindValue(static_cast<qint64>(runId));
            q.addBindValue(qs(c.campaignId));
            q.addBindValue(qs(c.user));
            q.addBindValue(static_cast<qint64>(c.requestId));
            q.addBindValue(qs(couponCode(c.campaignId, c.user)));
            q.addBindValue(static_cast<qint64>(c.issuedAtNs));
        },
        countThem);
}

std::int64_t Store::insertEvents(std::int64_t runId, std::span<const FinalRequest> events) {
    static const QStringList columns = {
        QStringLiteral("run_id"),     QStringLiteral("request_id"), QStringLiteral("campaign"),
        QStringLiteral("user"),       QStringLiteral("state"),      QStringLiteral("reason"),
        QStringLiteral("attempts"),   QStringLiteral("sequence"),   QStringLiteral("received_ns"),
        QStringLiteral("started_ns"), QStringLiteral("finished_ns")};
    return insertRows(QStringLiteral("request_events"), columns, events.size(),
                      [&](QSqlQuery& q, std::size_t i) {
                          const FinalRequest& e = events[i];
                          q.addBindValue(static_cast<qint64>(runId));
                          q.addBindValue(static_cast<qint64>(e.requestId));
                          q.addBindValue(qs(e.campaignId));
                          q.addBindValue(qs(e.user));
                          q.addBindValue(QLatin1String(core::toString(e.state).data()));
                          q.addBindValue(QLatin1String(core::toString(e.reason).data()));
                          q.addBindValue(e.attempts);
                          q.addBindValue(static_cast<qint64>(e.sequence));
                          q.addBindValue(static_cast<qint64>(e.receivedNs));
                          q.addBindValue(static_cast<qint64>(e.startedNs));
                          q.addBindValue(static_cast<qint64>(e.finishedNs));
                      });
}

bool Store::upsertDeadLetters(std::int64_t runId, std::span<const dlq::DeadLetter> letters) {
    QSqlDatabase db = m_db->db();
    db.transaction();
    QSqlQuery q(db);
    q.prepare(
        upsert(m_url) +
        QStringLiteral(
            "dead_letters (run_id, request_id, campaign, user, reason, attempts, errors_json, "
            "payload, received_ns, dead_lettered_ns, replay_state) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,'pending')"));
    for (const auto& l : letters) {
        q.addBindValue(static_cast<qint64>(runId));
        q.addBindValue(static_cast<qint64>(l.requestId));
        q.addBindValue(qs(l.campaignId));
        q.addBindValue(qs(l.userName()));
        q.addBindValue(qs(l.reason));
        q.addBindValue(l.attempts);
        q.addBindValue(errorsJson(l.errors));
        q.addBindValue(qs(l.payload));
        q.addBindValue(static_cast<qint64>(l.receivedNs));
        q.addBindValue(static_cast<qint64>(l.deadLetteredNs));
        if (!q.exec()) {
            const std::string why = q.lastError().text().toStdString();
            db.rollback();
            return fail("cannot store dead letters: " + why);
        }
    }
    return db.commit() ||
           fail("cannot commit dead letters: " + db.lastError().text().toStdString());
}

bool Store::upsertOutbox(std::int64_t runId, std::span<const OutboxRow> rows) {
    QSqlDatabase db = m_db->db();
    db.transaction();
    QSqlQuery q(db);
    q.prepare(upsert(m_url) +
              QStringLiteral("outbox (run_id, message_id, recipient, kind, subject, body, "
                             "created_at_ms, delivery) VALUES (?,?,?,?,?,?,?,?)"));
    for (const auto& r : rows) {
        q.addBindValue(static_cast<qint64>(runId));
        q.addBindValue(static_cast<qint64>(r.messageId));
        q.addBindValue(qs(r.recipient));
        q.addBindValue(qs(r.kind));
        q.addBindValue(qs(r.subject));
        q.addBindValue(qs(r.body));
        q.addBindValue(static_cast<qint64>(r.createdAtMs));
        q.addBindValue(qs(r.delivery));
        if (!q.exec()) {
            const std::string why = q.lastError().text().toStdString();
            db.rollback();
            return fail("cannot store the outbox: " + why);
        }
    }
    return db.commit() || fail("cannot commit the outbox: " + db.lastError().text().toStdString());
}

std::vector<OutboxRow> Store::outbox(std::int64_t runId) {
    std::vector<OutboxRow> rows;
    QSqlQuery q(m_db->db());
    q.prepare(
        QStringLiteral("SELECT message_id, recipient, kind, subject, body, created_at_ms, "
                       "delivery FROM outbox WHERE run_id = ? ORDER BY message_id"));
    q.addBindValue(static_cast<qint64>(runId));
    if (!q.exec()) {
        fail("cannot read the outbox: " + q.lastError().text().toStdString());
        return rows;
    }
    while (q.next()) {
        OutboxRow r;
        r.messageId = q.value(0).toLongLong();
        r.recipient = q.value(1).toString().toStdString();
        r.kind = q.value(2).toString().toStdString();
        r.subject = q.value(3).toString().toStdString();
        r.body = q.value(4).toString().toStdString();
        r.createdAtMs = q.value(5).toLongLong();
        r.delivery = q.value(6).toString().toStdString();
        rows.push_back(std::move(r));
    }
    return rows;
}

bool Store::setReplayState(std::int64_t runId, std::span<const core::RequestId> ids,
                           const std::string& state) {
    QSqlDatabase db = m_db->db();
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "UPDATE dead_letters SET replay_state = ? WHERE run_id = ? AND request_id = ?"));
    for (const core::RequestId id : ids) {
        q.addBindValue(qs(state));
        q.addBindValue(static_cast<qint64>(runId));
        q.addBindValue(static_cast<qint64>(id));
        if (!q.exec()) {
            const std::string why = q.lastError().text().toStdString();
            db.rollback();
            return fail("cannot update dead letters: " + why);
        }
    }
    return db.commit() ||
           fail("cannot commit dead letters: " + db.lastError().text().toStdString());
}

std::vector<RunRecord> Store::runs() {
    std::vector<RunRecord> out;
    QSqlQuery q(m_db->db());
    if (!q.exec(QStringLiteral("SELECT r.id, r.scenario, r.seed, r.status, r.started_at, "
                               "r.finished_at, r.rows_written, "
                               "(SELECT COUNT(*) FROM issued_coupons c WHERE c.run_id = r.id), "
                               "(SELECT COUNT(*) FROM dead_letters d WHERE d.run_id = r.id AND "
                               "d.replay_state = 'pending') "
                               "FROM runs r ORDER BY r.id")))
        return out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString().toStdString(),
                       static_cast<std::uint64_t>(q.value(2).toLongLong()),
                       q.value(3).toString().toStdString(), q.value(4).toString().toStdString(),
                       q.value(5).toString().toStdString(), q.value(6).toLongLong(),
                       q.value(7).toLongLong(), q.value(8).toLongLong()});
    return out;
}

std::optional<RunRecord> Store::run(std::int64_t runId) {
    for (auto& r : runs())
        if (r.id == runId) return r;
    return std::nullopt;
}

std::vector<StoredCampaign> Store::campaigns(std::int64_t runId) {
    std::vector<StoredCampaign> out;
    QSqlQuery q(m_db->db());
    q.prepare(QStringLiteral(
        "SELECT id, name, policy, stock, requires_verification, opens_after_ms, closes_after_ms, "
        "(SELECT COUNT(*) FROM issued_coupons i WHERE i.run_id = c.run_id AND i.campaign = c.id) "
        "FROM campaigns c WHERE run_id = ? ORDER BY id"));
    q.addBindValue(static_cast<qint64>(runId));
    if (!q.exec()) return out;
    while (q.next()) {
        StoredCampaign s;
        s.campaign.id = q.value(0).toString().toStdString();
        s.campaign.name = q.value(1).toString().toStdString();
        s.campaign.policy = core::parsePolicy(q.value(2).toString().toStdString())
                                .value_or(core::Policy::FirstCome);
        s.campaign.stock = q.value(3).toLongLong();
        s.campaign.requiresVerification = q.value(4).toInt() != 0;
        s.campaign.opensAfterMs = q.value(5).toLongLong();
        if (!q.value(6).isNull()) s.campaign.closesAfterMs = q.value(6).toLongLong();
        s.issued = q.value(7).toLongLong();
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<StoredDeadLetter> Store::deadLetters(std::optional<std::int64_t> runId,
                                                 const dlq::DlqFilter& filter, bool everyState) {
    std::vector<StoredDeadLetter> out;
    QSqlQuery q(m_db->db());
    QString sql = QStringLiteral(
        "SELECT run_id, request_id, campaign, reason, attempts, errors_json, payload, received_ns, "
        "dead_lettered_ns, replay_state FROM dead_letters WHERE 1=1");
    if (runId) sql += QStringLiteral(" AND run_id = ?");
    if (!everyState) sql += QStringLiteral(" AND replay_state = 'pending'");
    sql += QStringLiteral(" ORDER BY run_id, request_id");
    q.prepare(sql);
    if (runId) q.addBindValue(static_cast<qint64>(*runId));
    if (!q.exec()) return out;
    while (q.next()) {
        StoredDeadLetter s;
        s.runId = q.value(0).toLongLong();
        s.letter.requestId = static_cast<core::RequestId>(q.value(1).toLongLong());
        s.letter.campaignId = q.value(2).toString().toStdString();
        s.letter.reason = q.value(3).toString().toStdString();
        s.letter.attempts = q.value(4).toInt();
        s.letter.errors = errorsFromJson(q.value(5).toString());
        s.letter.payload = q.value(6).toString().toStdString();
        s.letter.receivedNs = q.value(7).toLongLong();
        s.letter.deadLetteredNs = q.value(8).toLongLong();
        s.replayState = q.value(9).toString().toStdString();
        if (filter.matches(s.letter)) out.push_back(std::move(s));
    }
    return out;
}

QSqlDatabase Store::database() const {
    return m_db->db();
}

bool Store::hasCoupon(std::int64_t runId, const std::string& campaign, const std::string& user) {
    QSqlQuery q(m_db->db());
    q.prepare(QStringLiteral(
        "SELECT 1 FROM issued_coupons WHERE run_id = ? AND campaign = ? AND user = ?"));
    q.addBindValue(static_cast<qint64>(runId));
    q.addBindValue(qs(campaign));
    q.addBindValue(qs(user));
    return q.exec() && q.next();
}

std::int64_t Store::countIssued(std::int64_t runId) {
    QSqlQuery q(m_db->db());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM issued_coupons WHERE run_id = ?"));
    q.addBindValue(static_cast<qint64>(runId));
    return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
}

std::int64_t Store::countDistinctIssued(std::int64_t runId) {
    QSqlQuery q(m_db->db());
    q.prepare(
        QStringLiteral("SELECT COUNT(*) FROM (SELECT DISTINCT campaign, user FROM issued_coupons "
                       "WHERE run_id = ?) d"));
    q.addBindValue(static_cast<qint64>(runId));
    return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
}

}  // namespace stampede::store
