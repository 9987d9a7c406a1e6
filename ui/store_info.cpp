#include "store_info.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include "engine_controller.h"

namespace stampede::ui {

StoreInfo::StoreInfo(EngineController* controller, QObject* parent)
    : QObject(parent), m_controller(controller), m_action(new QAction(this)) {
    m_action->setObjectName(QStringLiteral("storeInfoAction"));
    m_action->setEnabled(false);  // information, not a command
    connect(controller, &EngineController::storedRunsRead, this,
            [this](const std::vector<store::RunRecord>& runs, const QString& error) {
                if (error.isEmpty()) m_runs = qint64(runs.size());
                update();
            });
    connect(controller, &EngineController::runPersisted, this, &StoreInfo::refresh);
    update();
}

QString StoreInfo::text() const {
    const auto& url = m_controller->storeLocation();
    if (!url) return tr("Store: none (runs are not persisted; STAMPEDE_STORE sets one)");
    QString where = QString::fromStdString(url->toString());
    QString size;
    if (url->kind == store::StoreUrl::Kind::Sqlite) {
        const QString path = QString::fromStdString(url->path);
        where = QDir::toNativeSeparators(path);
        // SQLite in WAL mode keeps recent writes beside the file: both are the store's size.
        const qint64 bytes =
            QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
        size = QFileInfo::exists(path) ? QLocale().formattedDataSize(bytes) : tr("not created yet");
    }
    QString text = tr("Store: %1").arg(where);
    if (!size.isEmpty()) text += QStringLiteral(" · ") + size;
    if (m_runs)
        text += QStringLiteral(" · ") + (*m_runs == 1 ? tr("1 run") : tr("%1 runs").arg(*m_runs));
    return text;
}

void StoreInfo::refresh() {
    update();
    m_controller->readStoredRuns();
}

void StoreInfo::update() {
    m_action->setText(text());
    m_action->setToolTip(m_controller->storeUrl());
}

}  // namespace stampede::ui
