#include "models/scenario_catalog_model.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace stampede::ui {

ScenarioCatalogModel::ScenarioCatalogModel(QObject* parent) : QAbstractListModel(parent) {
    const QDir shipped(QStringLiteral(":/simulations"));
    for (const QString& name :
         shipped.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QString error;
        addFile(shipped.filePath(name), error);
    }
}

int ScenarioCatalogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

QVariant ScenarioCatalogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Entry& e = m_entries[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return QString::fromStdString(e.scenario.name);
        case Qt::ToolTipRole:
        case DescriptionRole:
            return QString::fromStdString(e.scenario.description);
        case PathRole:
            return e.path;
        default:
            return {};
    }
}

sim::ScenarioLoad ScenarioCatalogModel::load(const QString& path) {
    QFile file(path);
    if (!path.startsWith(QLatin1Char(':'))) return sim::loadScenarioFile(path.toStdString());
    // Built-in resources cannot be read by path from the engine: read them here.
    if (!file.open(QIODevice::ReadOnly)) {
        sim::ScenarioLoad failed;
        failed.error.source = path.toStdString();
        failed.error.message = "cannot read the built-in scenario";
        return failed;
    }
    const QByteArray bytes = file.readAll();
    return sim::parseScenario(
        std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())),
        QFileInfo(path).fileName().toStdString());
}

int ScenarioCatalogModel::addFile(const QString& path, QString& error) {
    if (const int existing = rowOfPath(path); existing >= 0) {
        // Re-read: the file may have changed on disk since it was first opened.
        sim::ScenarioLoad reloaded = load(path);
        if (!reloaded.ok()) {
            error = QString::fromStdString(reloaded.error.toString());
            return -1;
        }
        m_entries[static_cast<std::size_t>(existing)].scenario = std::move(*reloaded.scenario);
        Q_EMIT dataChanged(index(existing), index(existing));
        return existing;
    }
    sim::ScenarioLoad loaded = load(path);
    if (!loaded.ok()) {
        error = QString::fromStdString(loaded.error.toString());
        return -1;
    }
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_entries.push_back({path, std::move(*loaded.scenario)});
    endInsertRows();
    return row;
}

int ScenarioCatalogModel::rowOfPath(const QString& path) const {
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].path == path) return static_cast<int>(i);
    return -1;
}

const sim::Scenario& ScenarioCatalogModel::scenario(int row) const {
    return m_entries[static_cast<std::size_t>(row)].scenario;
}

QString ScenarioCatalogModel::path(int row) const {
    return m_entries[static_cast<std::size_t>(row)].path;
}

}  // namespace stampede::ui
