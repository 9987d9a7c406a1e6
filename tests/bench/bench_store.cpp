// Persistence speed, each figure against its raw floor in one run (a benchmark, not a test):
//  - SQLite: Store::insertIssued vs a bare multi-row INSERT loop on the same file settings;
//  - MariaDB (a throwaway mariadbd started here): the same pair on one connection;
//  - the engine's decision throughput on a 1M spike with the write-behind sink on vs off.
// Usage: bench_store [--rows N] [--requests N] [--no-mariadb] [--json FILE|-]

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>
#include <thread>

#include "mariadb_server.h"
#include "stampede/store/store.h"
#include "stampede/store/write_behind_sink.h"

using namespace stampede;

namespace {

std::vector<IssuedCoupon> makeCoupons(int n) {
    std::vector<IssuedCoupon> out;
    out.reserve(std::size_t(n));
    for (int u = 0; u < n; ++u)
        out.push_back({core::RequestId(u), "bench", std::to_string(u), u, std::uint32_t(u)});
    return out;
}

// The floor: what a hand-written loop does, 500-row INSERTs, 5,000 rows per transaction.
double bareRowsPerSecond(QSqlDatabase db, bool sqlite, const std::vector<IssuedCoupon>& coupons) {
    QSqlQuery q(db);
    q.exec(QStringLiteral("DROP TABLE IF EXISTS bare_coupons"));
    q.exec(sqlite
               ? QStringLiteral("CREATE TABLE bare_coupons (run_id INTEGER, campaign TEXT, user "
                                "TEXT, request_id INTEGER, "
                                "code TEXT, issued_at_ns INTEGER, UNIQUE (run_id, campaign, user))")
               : QStringLiteral("CREATE TABLE bare_coupons (run_id BIGINT, campaign VARCHAR(191), "
                                "user VARCHAR(191), "
                                "request_id BIGINT, code TEXT, issued_at_ns BIGINT, UNIQUE "
                                "(run_id, campaign, user)) ENGINE=InnoDB"));
    QString sql =
        (sqlite ? QStringLiteral("INSERT OR IGNORE INTO") : QStringLiteral("INSERT IGNORE INTO")) +
        QStringLiteral(
            " bare_coupons (run_id, campaign, user, request_id, code, issued_at_ns) VALUES ");
    for (int i = 0; i < 500; ++i)
        sql += i ? QStringLiteral(",(?,?,?,?,?,?)") : QStringLiteral("(?,?,?,?,?,?)");
    q.prepare(sql);
    QElapsedTimer t;
    t.start();
    for (std::size_t start = 0; start + 500 <= coupons.size(); start += 5000) {
        db.transaction();
        for (std::size_t b = start; b < std::min(start + 5000, coupons.size()); b += 500) {
            for (std::size_t i = b; i < b + 500; ++i) {
                q.addBindValue(1);
                q.addBindValue(QStringLiteral("bench"));
                q.addBindValue(QString::fromStdString(coupons[i].user));
                q.addBindValue(qint64(coupons[i].requestId));
                q.addBindValue(QStringLiteral("SP-BENCH"));
                q.addBindValue(qint64(coupons[i].issuedAtNs));
            }
            if (!q.exec())
                std::fprintf(stderr, "bare insert: %s\n", qPrintable(q.lastError().text()));
        }
        db.commit();
    }
    return double(coupons.size()) / (double(t.nsecsElapsed()) / 1e9);
}

double storeRowsPerSecond(store::Store& store, const std::vector<IssuedCoupon>& coupons) {
    sim::Scenario s;
    s.name = "bench";
    s.campaigns.emplace_back();
    s.campaigns.back().id = std::string("bench");
    s.campaigns.back().stock = std::int64_t(coupons.size());
    const auto run = store.beginRun(s);
    QElapsedTimer t;
    t.start();
    for (std::size_t start = 0; start < coupons.size(); start += 5000)
        store.insertIssued(*run, std::span(coupons).subspan(
                                     start, std::min<std::size_t>(5000, coupons.size() - start)));
    return double(coupons.size()) / (double(t.nsecsElapsed()) / 1e9);
}

QJsonObject pair(const char* name, double ours, double floor) {
    std::printf("%-8s store %9.0f rows/s   bare loop %9.0f rows/s   ratio %5.1f %%\n", name, ours,
                floor, 100 * ours / floor);
    return QJsonObject{{QStringLiteral("store_rows_per_s"), ours},
                       {QStringLiteral("bare_rows_per_s"), floor},
                       {QStringLiteral("ratio"), ours / floor}};
}

double engineRps(long long requests, const store::StoreUrl* url) {
    sim::Scenario s;
    s.name = "bench";
    s.seed = 42;
    s.campaigns.emplace_back();
    s.campaigns.back().id = std::string("bench");
    s.campaigns.back().stock = requests / 10;
    sim::ArrivalSpec a;
    a.campaign = "bench";
    a.users = requests;
    s.arrivals.push_back(a);
    s.run.workers = 1;
    s.run.partitions = 1;
    s.run.pace = core::Pace::Asap;
    Engine engine;
    StartOptions options;
    options.snapshotInterval = std::chrono::milliseconds(5);
    std::unique_ptr<store::WriteBehindSink> sink;
    engine.start(s, options);
    if (url) {
        sink = std::make_unique<store::WriteBehindSink>(engine, *url, 1);
        sink->start();
    }
    engine.waitForEnd(std::chrono::minutes(5));
    const auto snap = engine.snapshot();
    if (sink) sink->stop();
    return double(snap->requests) / snap->wallS;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    int rows = 200000;
    long long requests = 1000000;
    bool mariadb = true;
    QString json;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--rows") && i + 1 < args.size())
            rows = args[++i].toInt();
        else if (args[i] == QLatin1String("--requests") && i + 1 < args.size())
            requests = args[++i].toLongLong();
        else if (args[i] == QLatin1String("--no-mariadb"))
            mariadb = false;
        else if (args[i] == QLatin1String("--json") && i + 1 < args.size())
            json = args[++i];
    }
    const auto coupons = makeCoupons(rows);
    QJsonObject out;
    QTemporaryDir dir;

    {  // SQLite
        store::StoreUrl url;
        url.path = dir.filePath(QStringLiteral("bench.db")).toStdString();
        std::string error;
        auto store = store::Store::open(url, error);
        if (!store) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        QSqlDatabase bare =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bare"));
        bare.setDatabaseName(dir.filePath(QStringLiteral("bare.db")));
        bare.open();
        QSqlQuery(bare).exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        QSqlQuery(bare).exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        const double floor = bareRowsPerSecond(bare, true, coupons);
        out[QStringLiteral("sqlite")] = pair("sqlite", storeRowsPerSecond(*store, coupons), floor);
    }
    if (mariadb) {
        test::MariaDbServer server;
        QString error;
        if (!server.start(error)) {
            std::fprintf(stderr, "mariadb: %s\n", qPrintable(error));
            return 1;
        }
        std::string e;
        auto url = store::parseStoreUrl(server.url().toStdString(), e);
        url->password = test::MariaDbServer::kPassword;
        auto store = store::Store::open(*url, e);
        if (!store) {
            std::fprintf(stderr, "%s\n", e.c_str());
            return 1;
        }
        QSqlDatabase bare =
            QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), QStringLiteral("bare-mysql"));
        bare.setHostName(QStringLiteral("127.0.0.1"));
        bare.setPort(server.port());
        bare.setUserName(QString::fromLatin1(test::MariaDbServer::kUser));
        bare.setPassword(QString::fromLatin1(test::MariaDbServer::kPassword));
        bare.setDatabaseName(QString::fromLatin1(test::MariaDbServer::kDatabase));
        if (!bare.open()) {
            std::fprintf(stderr, "bare: %s\n", qPrintable(bare.lastError().text()));
            return 1;
        }
        const double floor = bareRowsPerSecond(bare, false, coupons);
        out[QStringLiteral("mariadb")] =
            pair("mariadb", storeRowsPerSecond(*store, coupons), floor);
    }
    {  // The engine with the sink on and off, same process.
        store::StoreUrl url;
        url.path = dir.filePath(QStringLiteral("engine.db")).toStdString();
        std::string error;
        auto store = store::Store::open(url, error);
        sim::Scenario s;
        s.name = "engine bench";
        s.campaigns.emplace_back();
        s.campaigns.back().id = std::string("bench");
        store->beginRun(s);
        const double off = engineRps(requests, nullptr);
        const double on = engineRps(requests, &url);
        std::printf("engine   store off %9.0f req/s   store on %9.0f req/s   ratio %5.1f %%\n", off,
                    on, 100 * on / off);
        out[QStringLiteral("engine")] = QJsonObject{{QStringLiteral("store_off_rps"), off},
                                                    {QStringLiteral("store_on_rps"), on},
                                                    {QStringLiteral("ratio"), on / off}};
    }
    if (!json.isEmpty()) {
        const QByteArray text = QJsonDocument(out).toJson();
        if (json == QLatin1String("-"))
            std::fwrite(text.constData(), 1, std::size_t(text.size()), stdout);
        else {
            QFile f(json);
            if (f.open(QIODevice::WriteOnly)) f.write(text);
        }
    }
    return 0;
}
