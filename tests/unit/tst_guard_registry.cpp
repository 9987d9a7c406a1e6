// The guard registry: all eleven guards of DESIGN.md, each in its family and saying what it
// needs; every in-memory one is built by the engine's factory and agrees with its description;
// a live one is refused there in the registry's words.
#include <QtTest>

#include <set>
#include <string>

#include "stampede/guards/guard.h"
#include "stampede/guards/guard_registry.h"

using namespace stampede::guards;

class TestGuardRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyGuardInItsFamily_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("needs");
        const QString memory = QStringLiteral("memory"), redis = QStringLiteral("redis"),
                      mysql = QStringLiteral("mysql");
        const QString nothing = QStringLiteral("nothing"), aRedis = QStringLiteral("a Redis"),
                      aMySql = QStringLiteral("a MySQL/MariaDB");
        for (const char* n : {"none", "mutex", "semaphore", "atomic", "single-consumer"})
            QTest::newRow(n) << QString::fromLatin1(n) << memory << nothing;
        for (const char* n : {"redis-lua", "redis-lock", "redis-naive"})
            QTest::newRow(n) << QString::fromLatin1(n) << redis << aRedis;
        for (const char* n :
             {"mysql-pessimistic", "mysql-atomic", "mysql-optimistic", "mysql-naive"})
            QTest::newRow(n) << QString::fromLatin1(n) << mysql << aMySql;
    }
    void everyGuardInItsFamily() {
        QFETCH(QString, name);
        QFETCH(QString, family);
        QFETCH(QString, needs);
        const GuardInfo* g = findGuard(name.toStdString());
        QVERIFY2(g, qPrintable(name));
        QCOMPARE(QString::fromUtf8(toString(g->family)), family);
        QCOMPARE(QString::fromUtf8(g->needs()), needs);
        QVERIFY(!g->description.empty());
        QVERIFY2(g->description.find('\n') == std::string_view::npos, "one line");
        QCOMPARE(parseGuardFamily(toString(g->family)), std::optional(g->family));
    }

    void thirteenNamesOnceEachInFamilyOrder() {
        QCOMPARE(knownGuards().size(), std::size_t(13));
        std::set<std::string_view> names;
        for (const GuardInfo& g : knownGuards()) QVERIFY(names.insert(g.name).second);
        for (std::size_t i = 1; i < knownGuards().size(); ++i)
            QVERIFY(knownGuards()[i - 1].family <= knownGuards()[i].family);
        QVERIFY(!findGuard("bogus"));
        QVERIFY(!findGuard(""));
        QVERIFY(!parseGuardFamily("kafka"));
        // Messages list the names in the table's order.
        QCOMPARE(
            guardNames(GuardFamily::Memory),
            std::string("none, mutex, semaphore, atomic, single-consumer, mutex-early-release"));
        QVERIFY(guardNames().starts_with("none, mutex, semaphore, atomic, single-consumer, "));
        QVERIFY(guardNames().ends_with("mysql-optimistic, mysql-naive"));
    }

    void racesOnPurposeAreTheFourRacyGuards() {
        std::set<std::string_view> racing;
        for (const GuardInfo& g : knownGuards())
            if (g.racesOnPurpose) racing.insert(g.name);
        QCOMPARE(racing, (std::set<std::string_view>{"none", "mutex-early-release", "redis-naive",
                                                     "mysql-naive"}));
    }

    // What the registry says of an in-memory guard, the guard built by the factory says too.
    void everyMemoryGuardIsBuiltByTheFactory() {
        int built = 0;
        for (const GuardInfo& info : knownGuards()) {
            if (info.family != GuardFamily::Memory) continue;
            std::string error;
            const auto guard = makeGuard(info.name, error);
            QVERIFY2(guard, (std::string(info.name) + ": " + error).c_str());
            QCOMPARE(guard->name(), info.name);
            QCOMPARE(guard->racesOnPurpose(), info.racesOnPurpose);
            QCOMPARE(guard->decidesByUser(), info.decidesByUser);
            const std::int64_t stocks[] = {1};
            guard->reset(stocks, 1);
            QCOMPARE(guard->take(0, 0), TakeResult::Taken);
            QCOMPARE(guard->take(0, 0), TakeResult::SoldOut);
            ++built;
        }
        QCOMPARE(built, 6);
    }

    // The factory refuses a live guard with what it needs, and never names a front end's flag.
    void liveGuardsAreRefusedInTheRegistrysWords() {
        for (const GuardInfo& info : knownGuards()) {
            if (info.family == GuardFamily::Memory) continue;
            std::string error;
            QVERIFY(!makeGuard(info.name, error));
            QVERIFY2(error.find(std::string(info.name)) != std::string::npos, error.c_str());
            QVERIFY2(error.find("needs " + std::string(info.needs())) != std::string::npos,
                     error.c_str());
            QVERIFY2(error.find("--") == std::string::npos, error.c_str());
        }
        std::string error;
        QVERIFY(!makeGuard("spinlock", error));
        QVERIFY2(error.find("unknown guard 'spinlock' (known: none, mutex") != std::string::npos,
                 error.c_str());
        QVERIFY2(error.find("mysql-naive)") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestGuardRegistry)
#include "tst_guard_registry.moc"
