// The mysql-atomic guard against a bare client loop, in one run (a benchmark, not a test), on a
// throwaway mariadbd started here:
//  - floor: C threads, one connection each, running seed 001's prepared
//    `UPDATE … SET remaining = remaining - 1 WHERE … AND remaining > 0` as fast as they can;
//  - ours: the engine deciding a spike with guard mysql-atomic and C workers (one connection
//    each), every request a decision against the same row.
// Usage: bench_mysql_guard [--connections C] [--requests N] [--json FILE|-]

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "backends/mysql/mysql_guard.h"
#include "engine_test_support.h"
#include "mariadb_server.h"
#include "stampede/engine.h"
#include "stampede/store/store_url.h"

using namespace stampede;

namespace {

double bareUpdatesPerSecond(const store::StoreUrl& url, int connections, int total) {
    {
        store::addMySqlConnection(url, QStringLiteral("bench-setup"), 5, 30);
        QSqlDatabase db = QSqlDatabase::database(QStringLiteral("bench-setup"));
        QSqlQuery q(db);
        q.exec(
            QStringLiteral("CREATE TABLE IF NOT EXISTS bench_stock (id INT PRIMARY KEY, "
                           "remaining BIGINT NOT NULL) ENGINE=InnoDB"));
        q.exec(QStringLiteral("REPLACE INTO bench_stock VALUES (1, 1000000000)"));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-setup"));
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int c = 0; c < connections; ++c)
        threads.emplace_back([&, c] {
            const QString name = QStringLiteral("bench-%1").arg(c);
            {
                store::addMySqlConnection(url, name, 5, 30);
                QSqlDatabase db = QSqlDatabase::database(name);
                QSqlQuery q(db);
                q.prepare(
                    QStringLiteral("UPDATE bench_stock SET remaining = remaining - 1 "
                                   "WHERE id = ? AND remaining > 0"));
                ++ready;
                while (!go.load()) std::this_thread::yield();
                for (int i = 0; i < total / connections; ++i) {
                    q.addBindValue(1);
                    if (!q.exec()) std::fprintf(stderr, "%s\n", qPrintable(q.lastError().text()));
                }
            }
            QSqlDatabase::removeDatabase(name);
        });
    while (ready.load() < connections) std::this_thread::yield();
    QElapsedTimer t;
    t.start();
    go.store(true);
    for (auto& th : threads) th.join();
    return double(total / connections * connections) / (double(t.nsecsElapsed()) / 1e9);
}

double guardDecisionsPerSecond(const store::StoreUrl& url, int connections, int total) {
    // Stock above the users: every request is a successful decrement, as in the floor.
    sim::Scenario s = test::spike(total, total + 1, "mysql-atomic", core::Pipeline::DecideInWorker,
                                  connections, connections);
    StartOptions o;
    o.guardFactory = [&url](std::string_view name, std::string& error) {
        return backends::mysql::makeMySqlGuard(name, url, error);
    };
    Engine engine;
    if (!engine.start(s, o).ok() || !engine.waitForEnd(std::chrono::minutes(10))) return 0;
    const auto snap = engine.snapshot();
    return double(snap->finals) / snap->wallS;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    int connections = 8, requests = 40000;
    QString json;
    for (int i = 1; i + 1 < argc; i += 2) {
        const QString flag = QString::fromLocal8Bit(argv[i]);
        if (flag == QStringLiteral("--connections")) connections = std::atoi(argv[i + 1]);
        if (flag == QStringLiteral("--requests")) requests = std::atoi(argv[i + 1]);
        if (flag == QStringLiteral("--json")) json = QString::fromLocal8Bit(argv[i + 1]);
    }
    test::MariaDbServer server;
    QString error;
    if (!server.start(error)) {
        std::fprintf(stderr, "bench_mysql_guard: %s\n", qPrintable(error));
        return 1;
    }
    std::string e;
    auto url = store::parseStoreUrl(server.url().toStdString(), e);
    url->password = test::MariaDbServer::kPassword;
    const double bare = bareUpdatesPerSecond(*url, connections, requests);
    const double ours = guardDecisionsPerSecond(*url, connections, requests);
    const QJsonObject o{{QStringLiteral("connections"), connections},
                        {QStringLiteral("requests"), requests},
                        {QStringLiteral("bare_updates_per_s"), bare},
                        {QStringLiteral("mysql_atomic_decisions_per_s"), ours},
                        {QStringLiteral("ratio"), bare > 0 ? ours / bare : 0}};
    std::printf(
        "MariaDB atomic UPDATE, %d connections: bare loop %.0f/s, mysql-atomic guard "
        "%.0f/s, ratio %.1f %% (goal >= 70 %%)\n",
        connections, bare, ours, bare > 0 ? 100 * ours / bare : 0);
    if (json == QStringLiteral("-"))
        std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    return 0;
}
