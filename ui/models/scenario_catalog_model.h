#pragma once
// The scenarios an operator can launch: the shipped ones (simulations/, built into the program as
// resources under :/simulations) and files opened from disk, each shown with its name and
// description.

#include <QAbstractListModel>

#include <vector>

#include "stampede/sim/scenario.h"

namespace stampede::ui {

class ScenarioCatalogModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { PathRole = Qt::UserRole, DescriptionRole };

    explicit ScenarioCatalogModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // Loads a scenario file (":/simulations/…" or a path); on success adds it (once) and returns
    // its row, else returns -1 and sets `error` to the parser's message (file, line or field).
    int addFile(const QString& path, QString& error);
    int rowOfPath(const QString& path) const;
    const sim::Scenario& scenario(int row) const;
    QString path(int row) const;

    // Reads and parses one scenario file; the error names file, line or field.
    static sim::ScenarioLoad load(const QString& path);

private:
    struct Entry {
        QString path;
        sim::Scenario scenario;
    };
    std::vector<Entry> m_entries;
};

}  // namespace stampede::ui
