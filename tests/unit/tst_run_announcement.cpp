// The run announcement: one typed struct, written by the run and read back by remote workers and
// dead-letter topic replays, with its defaults in one place.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>

#include "transport/run_announcement.h"

using stampede::transport::RunAnnouncement;

class TestRunAnnouncement : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrips() {
        RunAnnouncement a;
        a.scenario = "seed-003";
        a.guard = "redis-lua";
        a.sharedKey = "stampede:run-7";
        a.campaigns = {{"coupon", 100}, {"gift", 5}};
        a.maxAttempts = 7;
        a.retryBackoffMs = 4.5;
        a.retryBackoffMaxMs = 900;
        const QByteArray wire = QJsonDocument(a.toJson()).toJson(QJsonDocument::Compact);
        const RunAnnouncement b = RunAnnouncement::fromJson(QJsonDocument::fromJson(wire).object());
        QCOMPARE(b.scenario, a.scenario);
        QCOMPARE(b.guard, a.guard);
        QCOMPARE(b.sharedKey, a.sharedKey);
        QCOMPARE(b.campaigns.size(), std::size_t(2));
        QCOMPARE(b.campaigns[1].id, std::string("gift"));
        QCOMPARE(b.campaigns[1].stock, std::int64_t(5));
        QCOMPARE(b.maxAttempts, 7);
        QCOMPARE(b.retryBackoffMs, 4.5);
        QCOMPARE(b.retryBackoffMaxMs, 900.0);
        // The keys other processes read are the ones the run wrote before this struct existed.
        for (const char* key : {"scenario", "guard", "shared_key", "max_attempts",
                                "retry_backoff_ms", "retry_backoff_max_ms", "campaigns"})
            QVERIFY2(a.toJson().contains(QLatin1String(key)), key);
    }
    void missingFieldsKeepTheDefaults() {
        const RunAnnouncement d = RunAnnouncement::fromJson(
            QJsonObject{{QStringLiteral("guard"), QStringLiteral("mysql-atomic")},
                        {QStringLiteral("max_attempts"), 0}});
        QCOMPARE(d.guard, std::string("mysql-atomic"));
        QCOMPARE(d.maxAttempts, 1);  // never fewer than one attempt
        QCOMPARE(d.retryBackoffMs, 2.0);
        QCOMPARE(d.retryBackoffMaxMs, 200.0);
        QVERIFY(d.campaigns.empty());
        QVERIFY(d.sharedKey.empty());
    }
};

QTEST_GUILESS_MAIN(TestRunAnnouncement)
#include "tst_run_announcement.moc"
