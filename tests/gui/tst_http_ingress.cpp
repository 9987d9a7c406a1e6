// The console's HTTP ingress as an operator uses it: Run > Serve HTTP, start a run, and real
// clients (QNetworkAccessManager) apply over HTTP while the status line says where it serves, at
// what rate and with how many errors; the run stays open after its arrivals until the operator
// stops it, and everything taken over HTTP is in its counts.
#include <QtTest>

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QStatusBar>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>

#include <algorithm>
#include <memory>

#include "docks/launcher_dock.h"
#include "docks/outbox_dock.h"
#include "engine_controller.h"
#include "http_ingress.h"
#include "main_window.h"
#include "stampede/store/store.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

struct Reply {
    int status = 0;
    QJsonObject json;
};

Reply send(QNetworkAccessManager& net, const QString& url, const QByteArray& body) {
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply* reply = body.isNull() ? net.get(request) : net.post(request, body);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000)) return {};
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return r;
}

}  // namespace

class TestHttpIngress : public QObject {
    Q_OBJECT
    QTemporaryDir m_home;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("STAMPEDE_HTTP", "127.0.0.1:0");  // a free port
    }

    void anOperatorServesARunOverHttp() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* status = w.statusBar()->findChild<QLabel*>(QStringLiteral("statusHttp"));
        QVERIFY(status);
        QVERIFY(!status->isVisible());

        w.httpIngress()->toggle()->trigger();  // Run > Serve HTTP
        QVERIFY(w.httpIngress()->toggle()->isChecked());
        QVERIFY(status->text().startsWith(QStringLiteral("HTTP on: serves the next run")));
        QVERIFY(!w.httpIngress()->adminToken().isEmpty());  // made, kept for the admin endpoints

        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json")));
        w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("asap"));
        QTRY_VERIFY(w.launcherDock()->startAction()->isEnabled());
        w.launcherDock()->startAction()->trigger();
        QTRY_VERIFY(w.httpIngress()->serving());
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(w.httpIngress()->port());
        QTRY_VERIFY(status->text().startsWith(QStringLiteral("HTTP ") + base));

        // The scenario's arrivals are over, and the run still takes requests.
        QTRY_VERIFY_WITH_TIMEOUT(
            w.controller()->snapshot()->arrivalsFed == w.controller()->snapshot()->arrivalsTotal,
            30000);
        const std::int64_t fed = w.controller()->snapshot()->arrivalsFed;
        // Open for requests: running, not draining, as the dashboard says.
        QTRY_COMPARE(w.controller()->snapshot()->finals, w.controller()->snapshot()->admitted);
        QVERIFY(w.controller()->snapshot()->status == RunStatus::Running);
        const QString campaign =
            QString::fromStdString(w.controller()->scenario().campaigns.front().id);
        QNetworkAccessManager net;
        const Reply applied =
            send(net, base + QStringLiteral("/api/campaigns/%1/apply").arg(campaign),
                 R"({"userId": "over-http"})");
        QCOMPARE(applied.status, 202);
        QCOMPARE(applied.json.value(QStringLiteral("userId")).toString(),
                 QStringLiteral("over-http"));
        QCOMPARE(send(net, base + QStringLiteral("/api/campaigns/nope/apply"), R"({"userId": "x"})")
                     .status,
                 404);
        QCOMPARE(send(net, base + QStringLiteral("/metrics"), QByteArray()).status, 200);
        // A verification code: in the Outbox dock, as the operator sees it.
        QCOMPARE(send(net, base + QStringLiteral("/api/auth/send-verification-code"),
                      R"({"email": "yun@example.com"})")
                     .status,
                 202);
        QTableWidget* outbox = w.outboxDock()->table();
        QTRY_COMPARE_WITH_TIMEOUT(outbox->rowCount(), 1, 5000);
        QCOMPARE(outbox->item(0, 2)->text(), QStringLiteral("yun@example.com"));
        QCOMPARE(outbox->item(0, 3)->text(), QStringLiteral("verification-code"));
        QCOMPARE(outbox->item(0, 5)->text(), QStringLiteral("outbox"));
        // The operator sees the errors on the status line.
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("· 1 errors")), 5000);
        w.outboxDock()->raise();  // the screenshot shows what the operator would look at
        w.grab().save(QDir::temp().filePath(QStringLiteral("stampede-http-ingress.png")));
        QVERIFY(w.controller()->runInProgress());

        w.launcherDock()->stopAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->runInProgress(), 30000);
        const auto s = w.controller()->snapshot();
        QCOMPARE(s->admitted, fed + 1);  // the scenario's, and the one over HTTP
        QCOMPARE(s->finals, s->admitted);
        QTRY_VERIFY(!w.httpIngress()->serving());
        QVERIFY(status->text().startsWith(QStringLiteral("HTTP on: serves the next run")));
        QCOMPARE(outbox->rowCount(), 1);  // the last run's messages stay on view

        w.httpIngress()->toggle()->trigger();  // off
        QVERIFY(!w.controller()->keepOpen());
        QTRY_VERIFY(!status->isVisible());
    }

    // While the console persists its runs, the outbox of the run it serves is kept with that run
    // in the store, as `serve --store` keeps it.
    void theOutboxIsStoredWithTheRunServed() {
        const QString url =
            QStringLiteral("sqlite://") + m_home.filePath(QStringLiteral("runs.db"));
        qputenv("STAMPEDE_STORE", url.toUtf8());
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.httpIngress()->toggle()->trigger();
            QVERIFY(
                w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json")));
            w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("asap"));
            QTRY_VERIFY(w.launcherDock()->startAction()->isEnabled());
            w.launcherDock()->startAction()->trigger();
            QTRY_VERIFY(w.httpIngress()->serving());
            QTRY_VERIFY_WITH_TIMEOUT(w.controller()->storedRunId() > 0, 10000);
            const std::int64_t runId = w.controller()->storedRunId();
            const QString base = QStringLiteral("http://127.0.0.1:%1").arg(w.httpIngress()->port());
            QNetworkAccessManager net;
            QCOMPARE(send(net, base + QStringLiteral("/api/auth/send-verification-code"),
                          R"({"email": "lee@example.com"})")
                         .status,
                     202);
            std::string error;
            const auto parsed = store::parseStoreUrl(url.toStdString(), error);
            QVERIFY2(parsed, error.c_str());
            auto reader = store::Store::open(*parsed, error);
            QVERIFY2(reader, error.c_str());
            QTRY_COMPARE_WITH_TIMEOUT(reader->outbox(runId).size(), std::size_t(1), 5000);
            const auto rows = reader->outbox(runId);
            QCOMPARE(rows.front().recipient, std::string("lee@example.com"));
            QCOMPARE(rows.front().kind, std::string("verification-code"));
            w.launcherDock()->stopAction()->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->runInProgress(), 30000);
            w.httpIngress()->toggle()->trigger();  // off
        }
        qputenv("STAMPEDE_STORE", "none");
    }

    // The operator moves the server to another port while it serves; a bad address is refused
    // and changes nothing.
    void theAddressIsChosenAndTheServerMoves() {
        MainWindow w;
        w.httpIngress()->toggle()->trigger();
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json")));
        QTRY_VERIFY(w.launcherDock()->startAction()->isEnabled());
        w.launcherDock()->startAction()->trigger();
        QTRY_VERIFY(w.httpIngress()->serving());
        const quint16 first = w.httpIngress()->port();
        QVERIFY(w.httpIngress()
                    ->chooseAddress(QStringLiteral("127.0.0.1:99999"))
                    .contains(QStringLiteral("not a port")));
        QCOMPARE(w.httpIngress()->port(), first);  // still where it was
        QTcpServer probe;                          // a free port to move to
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 next = probe.serverPort();
        probe.close();
        QCOMPARE(w.httpIngress()->chooseAddress(QStringLiteral("127.0.0.1:%1").arg(next)),
                 QString());
        QTRY_COMPARE(w.httpIngress()->port(), next);
        QNetworkAccessManager net;
        QCOMPARE(send(net, QStringLiteral("http://127.0.0.1:%1/api/health").arg(next), QByteArray())
                     .status,
                 200);
        QCOMPARE(QSettings().value(QStringLiteral("http/address")).toString(),
                 QStringLiteral("127.0.0.1:%1").arg(next));
        w.launcherDock()->stopAction()->trigger();
        QTRY_VERIFY(!w.controller()->runInProgress());
        w.httpIngress()->toggle()->trigger();
        QVERIFY(w.httpIngress()->chooseAddress(QStringLiteral("127.0.0.1:0")).isEmpty());
    }

    // The window closes while a client hammers a served run: the server stops before the
    // engine goes (under the sanitizers this is where a use after free would show).
    void closingWhileServingIsClean() {
        auto w = std::make_unique<MainWindow>();
        w->httpIngress()->toggle()->trigger();
        QVERIFY(w->launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json")));
        QTRY_VERIFY(w->launcherDock()->startAction()->isEnabled());
        w->launcherDock()->startAction()->trigger();
        QTRY_VERIFY(w->httpIngress()->serving());
        const QString apply =
            QStringLiteral("http://127.0.0.1:%1/api/campaigns/%2/apply")
                .arg(w->httpIngress()->port())
                .arg(QString::fromStdString(w->controller()->scenario().campaigns.front().id));
        QNetworkAccessManager net;
        QList<QNetworkReply*> replies;
        for (int i = 0; i < 50; ++i) {
            QNetworkRequest request{QUrl(apply)};
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QStringLiteral("application/json"));
            replies << net.post(request, "{\"userId\": \"c" + QByteArray::number(i) + "\"}");
        }
        QTRY_VERIFY(std::any_of(replies.begin(), replies.end(),
                                [](QNetworkReply* r) { return r->isFinished(); }));
        w.reset();  // closes with requests still coming
        QTRY_VERIFY(std::all_of(replies.begin(), replies.end(),
                                [](QNetworkReply* r) { return r->isFinished(); }));
        qDeleteAll(replies);
    }
};

QTEST_MAIN(TestHttpIngress)
#include "tst_http_ingress.moc"
