#pragma once
// The console's HTTP ingress: a toggle that puts `stampede-cli serve`'s API (seed 002's and the
// general form, with /metrics) in front of the console's runs. While it is on, runs stay open
// after their arrivals until the operator stops them, and each run is served from its start to
// its end; the status line says where, at what rate and with how many errors. The admin token is
// serve's (~/.config/stampede/admin-token), and the console shows it. While the console persists
// its runs, the outbox is stored with the run it belongs to.

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <vector>

#include "stampede/http/outbox.h"

class QAction;

namespace stampede::http {
class HttpServer;
class IngressApi;
class RunMetrics;
}  // namespace stampede::http

namespace stampede::live {
class OutboxKeeper;
}

namespace stampede::ui {

class EngineController;

class HttpIngress : public QObject {
    Q_OBJECT
public:
    HttpIngress(EngineController* controller, QObject* parent);
    ~HttpIngress() override;

    QAction* toggle() const { return m_toggle; }
    // HOST:PORT to listen on: STAMPEDE_HTTP, else the one chosen last (kept in the settings),
    // else 127.0.0.1:8080; port 0: a free one.
    QString address() const { return m_address; }
    // The operator's choice: an empty string when taken (and kept; a run being served moves to
    // it at once), else why not.
    QString chooseAddress(const QString& address);
    bool serving() const { return m_server != nullptr; }
    quint16 port() const;  // the bound port while serving
    QString adminToken() const { return m_adminToken; }
    // "HTTP http://127.0.0.1:8080 · 1,234 req/s · 0 errors", or why it is not serving.
    QString statusText() const { return m_status; }

    // The outbox of the run being served, or of the last one served (the newest `limit`).
    std::vector<http::OutboxMessage> outbox(std::size_t limit = 1000) const;

Q_SIGNALS:
    void statusChanged(const QString& text);
    void outboxChanged();  // at most once a second while serving

private:
    void setEnabled(bool on);
    void serveRun();
    void stopServing(const QString& why);
    void tick();
    void setStatus(const QString& text);
    void updateToolTip();
    // While runs are persisted: the outbox is kept with the run being served, as serve --store
    // keeps it.
    void keepOutbox();

    EngineController* m_controller;
    QAction* m_toggle;
    QString m_address;
    QString m_adminToken;
    QString m_status;
    QTimer m_tick;
    std::unique_ptr<http::RunMetrics> m_metrics;
    std::unique_ptr<http::IngressApi> m_api;
    std::unique_ptr<http::HttpServer> m_server;
    qint64 m_lastRequests = 0;
    std::vector<http::OutboxMessage> m_lastOutbox;  // kept from the last run served
    std::unique_ptr<live::OutboxKeeper> m_outboxKeeper;
    std::int64_t m_keptRun = 0;  // the stored run m_outboxKeeper writes to
    bool m_keepFailed = false;   // said once per run
};

}  // namespace stampede::ui
