// The request event log, batch aggregation and analytics export over a real SQLite store:
// aggregation resumes from its checkpoint after a "crash", re-running it changes nothing, the
// buckets add up to the run, and both export formats follow the documented schema.
#include <QtTest>

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>

#include "stampede/store/aggregation_job.h"
#include "stampede/store/analytics_export.h"
#include "stampede/store/store.h"
#include "stampede/store/write_behind_sink.h"

using namespace stampede;
using namespace stampede::store;

namespace {

sim::Scenario scenario() {
    sim::Scenario s;
    s.name = "analytics";
    s.seed = 3;
    s.campaigns.emplace_back();
    s.campaigns.back().id = std::string("c1");
    s.campaigns.back().stock = 300;
    sim::ArrivalSpec a;
    a.campaign = "c1";
    a.users = 3000;
    a.overMs = 2500;  // three one-second buckets
    s.arrivals.push_back(a);
    s.faults.transientFailureRate = 0.1;
    s.faults.permanentFailureRate = 0.02;
    s.run.retryBackoffMs = 0.1;
    s.run.pace = core::Pace::Realtime;  // buckets follow received time: let it span 2.5 s
    return s;
}

QString statsCsv(Store& store, std::int64_t run) {
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    std::string error;
    exportAnalytics(store, ExportWhat::Stats, ExportFormat::Csv, run, out, error);
    return QString::fromUtf8(out.data());
}

}  // namespace

class TestAnalytics : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::int64_t m_run = 0;
    std::int64_t m_issued = 0;

private Q_SLOTS:
    void initTestCase() {
        StoreUrl url;
        url.path = m_dir.filePath(QStringLiteral("analytics.db")).toStdString();
        std::string error;
        m_store = Store::open(url, error);
        QVERIFY2(m_store, error.c_str());
        const sim::Scenario s = scenario();
        m_run = *m_store->beginRun(s);
        Engine engine;
        QVERIFY(engine.start(s).ok());
        WriteBehindSink sink(engine, url, m_run);
        sink.start();
        QVERIFY(engine.waitForEnd(std::chrono::seconds(60)));
        sink.stop();
        m_issued = engine.snapshot()->issued;
        QCOMPARE(sink.stats().eventsWritten, engine.snapshot()->admitted);
        QCOMPARE(sink.stats().rowsWritten, m_issued);
    }

    void aggregationResumesAfterACrash() {
        {
            AggregationJob job(*m_store, m_run, 1000, 250);  // small chunks
            std::string error;
            for (int i = 0; i < 4; ++i) QCOMPARE(job.step(error), 1);
            QCOMPARE(job.progress().eventsDone, std::int64_t(1000));
        }  // the job "dies" here; its checkpoint is in the store
        AggregationJob resumed(*m_store, m_run, 1000, 250);
        QCOMPARE(resumed.progress().eventsDone, std::int64_t(1000));
        std::string error;
        QVERIFY2(resumed.run(nullptr, nullptr, error), error.c_str());
        QCOMPARE(resumed.progress().eventsDone, resumed.progress().eventsTotal);
        const QString resumedStats = statsCsv(*m_store, m_run);

        // The same figures as one uninterrupted pass, and a second run changes nothing.
        AggregationJob rebuild(*m_store, m_run, 1000, 1'000'000);
        QVERIFY(rebuild.reset(error));
        QCOMPARE(rebuild.step(error), 1);
        QCOMPARE(rebuild.step(error), 0);
        QCOMPARE(statsCsv(*m_store, m_run), resumedStats);
        QCOMPARE(rebuild.step(error), 0);
        QCOMPARE(statsCsv(*m_store, m_run), resumedStats);
    }

    void bucketsAddUpToTheRun() {
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral(
            "SELECT COUNT(*), SUM(arrivals), SUM(issued), SUM(failed), SUM(retries), "
            "MIN(e2e_p50_ms), MAX(e2e_p99_ms) FROM campaign_stats WHERE bucket_ms = 1000")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 3);  // 2.5 s of arrivals: three buckets
        QCOMPARE(q.value(1).toLongLong(), std::int64_t(3000));
        QCOMPARE(q.value(2).toLongLong(), m_issued);
        QVERIFY(q.value(3).toLongLong() > 0);
        QVERIFY(q.value(4).toLongLong() > 0);
        QVERIFY(q.value(5).toDouble() > 0);
        QVERIFY(q.value(6).toDouble() >= q.value(5).toDouble());
        // Minute buckets are their own aggregation: one bucket with everything.
        AggregationJob minutes(*m_store, m_run, 60000);
        std::string error;
        QVERIFY(minutes.run(nullptr, nullptr, error));
        QVERIFY(q.exec(QStringLiteral(
            "SELECT SUM(arrivals), COUNT(*) FROM campaign_stats WHERE bucket_ms = 60000")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), std::int64_t(3000));
        QCOMPARE(q.value(1).toInt(), 1);
    }

    void exportFollowsTheSchema() {
        QBuffer csv;
        csv.open(QIODevice::WriteOnly);
        std::string error;
        QCOMPARE(
            exportAnalytics(*m_store, ExportWhat::Events, ExportFormat::Csv, m_run, csv, error),
            std::int64_t(3000));
        const QList<QByteArray> lines = csv.data().split('\n');
        QCOMPARE(lines.first(),
                 QByteArray("run_id,request_id,campaign,user,state,reason,attempts,sequence,"
                            "received_ns,started_ns,finished_ns"));
        QCOMPARE(lines.size(), 3002);  // header, 3000 rows, the final newline
        QBuffer ndjson;
        ndjson.open(QIODevice::WriteOnly);
        QCOMPARE(exportAnalytics(*m_store, ExportWhat::Events, ExportFormat::Ndjson, m_run, ndjson,
                                 error),
                 std::int64_t(3000));
        int succeeded = 0;
        for (const QByteArray& line : ndjson.data().split('\n')) {
            if (line.isEmpty()) continue;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            QVERIFY(o.contains(QStringLiteral("finished_ns")));
            QVERIFY(o[QStringLiteral("finished_ns")].toInteger() >=
                    o[QStringLiteral("received_ns")].toInteger());
            succeeded +=
                o[QStringLiteral("state")].toString() == QStringLiteral("SUCCEEDED") ? 1 : 0;
        }
        QCOMPARE(std::int64_t(succeeded), m_issued);
    }
};

QTEST_GUILESS_MAIN(TestAnalytics)
#include "tst_analytics.moc"
