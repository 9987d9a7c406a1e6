#include "http_ingress.h"

#include <QAction>
#include <QLocale>
#include <QSettings>

#include "engine_controller.h"
#include "stampede/http/admin_token.h"
#include "stampede/http/http_server.h"
#include "stampede/http/ingress_api.h"
#include "stampede/http/listen_address.h"
#include "stampede/http/run_metrics.h"
#include "stampede/live/outbox_keeper.h"

namespace stampede::ui {

HttpIngress::HttpIngress(EngineController* controller, QObject* parent)
    : QObject(parent), m_controller(controller), m_toggle(new QAction(tr("Serve &HTTP"), this)) {
    m_toggle->setObjectName(QStringLiteral("httpIngressAction"));
    m_toggle->setCheckable(true);
    m_address = qEnvironmentVariable("STAMPEDE_HTTP", QSettings()
                                                          .value(QStringLiteral("http/address"),
                                                                 QStringLiteral("127.0.0.1:8080"))
                                                          .toString());
    updateToolTip();
    connect(m_toggle, &QAction::toggled, this, &HttpIngress::setEnabled);
    connect(controller, &EngineController::runStarted, this, [this] {
        if (m_toggle->isChecked()) serveRun();
    });
    connect(controller, &EngineController::runEnded, this,
            [this] { stopServing(tr("HTTP on: serves the next run at %1").arg(m_address)); });
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &HttpIngress::tick);
}

HttpIngress::~HttpIngress() {
    m_server.reset();  // no request may reach the API or the metrics once they go
}

void HttpIngress::updateToolTip() {
    m_toggle->setToolTip(
        tr("Take requests over HTTP (seed 002's API, /api/campaigns/{id}/apply, /metrics) at %1; "
           "runs then stay open until you stop them")
            .arg(m_address));
}

QString HttpIngress::chooseAddress(const QString& address) {
    std::string host, error;
    std::uint16_t port = 0;
    if (!http::parseListenAddress(address.trimmed().toStdString(), "address", host, port, error))
        return QString::fromStdString(error);
    m_address = address.trimmed();
    QSettings().setValue(QStringLiteral("http/address"), m_address);
    updateToolTip();
    m_controller->logOperator(tr("HTTP address set to %1").arg(m_address));
    if (m_server)
        serveRun();  // the run being served moves to the new address
    else if (m_toggle->isChecked())
        setStatus(tr("HTTP on: serves the next run at %1").arg(m_address));
    return {};
}

quint16 HttpIngress::port() const {
    return m_server ? m_server->port() : 0;
}

void HttpIngress::setEnabled(bool on) {
    m_controller->setKeepOpen(on);
    if (!on) {
        stopServing(QString());
        m_controller->logOperator(tr("HTTP ingress off"));
        return;
    }
    std::string error;
    const auto kept = http::keptAdminToken(error);
    if (!kept) {
        m_controller->logEngine(
            tr("HTTP admin endpoints off: %1").arg(QString::fromStdString(error)));
        m_adminToken.clear();
    } else {
        m_adminToken = QString::fromStdString(kept->token);
        if (!kept->note.empty()) m_controller->logEngine(QString::fromStdString(kept->note));
    }
    m_controller->logOperator(
        tr("HTTP ingress on at %1; runs stay open until stopped").arg(m_address));
    if (m_controller->runInProgress())
        serveRun();
    else
        setStatus(tr("HTTP on: serves the next run at %1").arg(m_address));
}

void HttpIngress::serveRun() {
    m_server.reset();
    m_api.reset();
    m_metrics.reset();
    std::string host, error;
    std::uint16_t port = 0;
    if (!http::parseListenAddress(m_address.toStdString(), "STAMPEDE_HTTP", host, port, error)) {
        setStatus(tr("HTTP not serving: %1").arg(QString::fromStdString(error)));
        m_controller->logEngine(m_status);
        return;
    }
    Engine& engine = m_controller->engine();
    m_metrics = std::make_unique<http::RunMetrics>(engine);
    http::IngressOptions options;
    options.campaigns = m_controller->scenario().campaigns;
    options.adminToken = m_adminToken.toStdString();
    options.metrics = m_metrics.get();
    m_api = std::make_unique<http::IngressApi>(engine, options);
    auto server = std::make_unique<http::HttpServer>(
        [api = m_api.get()](const http::HttpRequest& r) { return api->handle(r); });
    if (!server->start(host, port, 2, error)) {
        m_api.reset();
        m_metrics.reset();
        setStatus(tr("HTTP not serving: %1").arg(QString::fromStdString(error)));
        m_controller->logEngine(m_status);
        return;
    }
    m_server = std::move(server);
    m_lastRequests = 0;
    m_lastOutbox.clear();
    m_controller->logEngine(
        tr("HTTP ingress serving at http://%1")
            .arg(QString::fromStdString(http::authority(host, m_server->port()))));
    m_tick.start();
    tick();
}

std::vector<http::OutboxMessage> HttpIngress::outbox(std::size_t limit) const {
    if (!m_api) return m_lastOutbox;
    const std::int64_t posted = m_api->outbox().posted();
    return m_api->outbox().after(std::max<std::int64_t>(0, posted - std::int64_t(limit)), limit);
}

void HttpIngress::stopServing(const QString& why) {
    m_tick.stop();
    if (m_server) {
        // The results of what it took go to the outbox before it goes, and stay on view.
        m_api->postResults();
        m_server.reset();
        keepOutbox();  // the results too
        m_lastOutbox = outbox();
        Q_EMIT outboxChanged();
    }
    m_api.reset();
    m_metrics.reset();
    setStatus(m_toggle->isChecked() ? why : QString());
}

void HttpIngress::keepOutbox() {
    const auto& url = m_controller->storeLocation();
    const std::int64_t runId = m_controller->storedRunId();
    if (!m_api || !url || runId <= 0) return;
    if (!m_outboxKeeper || m_keptRun != runId) {
        std::string error;
        m_outboxKeeper = live::OutboxKeeper::open(*url, runId, error);
        m_keptRun = runId;
        m_keepFailed = false;
        if (!m_outboxKeeper) {
            m_keepFailed = true;
            m_controller->logEngine(
                tr("The outbox is not stored: %1").arg(QString::fromStdString(error)));
            return;
        }
    }
    if (!m_outboxKeeper) return;
    if (!m_outboxKeeper->keep(m_api->outbox()) && !m_keepFailed) {
        m_keepFailed = true;  // tried again each second; said once
        m_controller->logEngine(tr("The outbox is not stored yet: %1")
                                    .arg(QString::fromStdString(m_outboxKeeper->error())));
    }
}

void HttpIngress::tick() {
    if (!m_server) return;
    m_api->postResults();
    keepOutbox();
    // A posted message can still change (its delivery), so a non-empty outbox is shown again.
    if (m_api->outbox().posted() > 0) Q_EMIT outboxChanged();
    const auto& s = m_server->stats();
    const qint64 requests = s.requests.load();
    const qint64 errors = s.clientErrors.load() + s.serverErrors.load();
    const QLocale locale;
    setStatus(
        tr("HTTP http://%1 · %2 req/s · %3 errors · %4 open")
            .arg(QString::fromStdString(http::authority(m_server->address(), m_server->port())),
                 locale.toString(requests - m_lastRequests), locale.toString(errors),
                 locale.toString(qint64(s.connectionsOpen.load()))));
    m_lastRequests = requests;
}

void HttpIngress::setStatus(const QString& text) {
    if (text == m_status) return;
    m_status = text;
    Q_EMIT statusChanged(text);
}

}  // namespace stampede::ui
