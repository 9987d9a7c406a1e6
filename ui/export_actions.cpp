#include "export_actions.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QPixmap>
#include <QStandardPaths>

#include <algorithm>

namespace stampede::ui {
namespace {

QString csvField(QString text) {
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'))) {
        text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

QString defaultPath(const QString& name) {
    return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QLatin1Char('/') +
           name;
}

}  // namespace

bool writeCsv(const QAbstractItemModel& model, QIODevice& out) {
    QStringList header;
    for (int c = 0; c < model.columnCount(); ++c)
        header << csvField(model.headerData(c, Qt::Horizontal).toString());
    QByteArray text = header.join(QLatin1Char(',')).toUtf8() + "\r\n";
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < model.columnCount(); ++c)
            row << csvField(model.data(model.index(r, c)).toString());
        text += row.join(QLatin1Char(',')).toUtf8() + "\r\n";
    }
    return out.write(text) == text.size();
}

void exportCsvInteractively(QWidget* parent, const QAbstractItemModel& model,
                            const QString& suggestedName) {
    const QString file = QFileDialog::getSaveFileName(
        parent, QObject::tr("Export as CSV"), defaultPath(suggestedName + QStringLiteral(".csv")),
        QObject::tr("CSV files (*.csv)"));
    if (file.isEmpty()) return;
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || !writeCsv(model, out))
        QMessageBox::warning(parent, QObject::tr("Export failed"),
                             QObject::tr("Could not write %1: %2").arg(file, out.errorString()));
}

bool savePng(QWidget& widget, const QString& fileName) {
    return widget.grab().save(fileName, "PNG");
}

void exportPngInteractively(QWidget* parent, QWidget& widget, const QString& suggestedName) {
    const QString file = QFileDialog::getSaveFileName(
        parent, QObject::tr("Export as PNG"), defaultPath(suggestedName + QStringLiteral(".png")),
        QObject::tr("PNG images (*.png)"));
    if (file.isEmpty()) return;
    if (!savePng(widget, file))
        QMessageBox::warning(parent, QObject::tr("Export failed"),
                             QObject::tr("Could not write %1.").arg(file));
}

void addTableExportActions(QAbstractItemView& view, const QAbstractItemModel& model,
                           const QString& suggestedName) {
    auto* copy = new QAction(QObject::tr("Copy rows"), &view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(copy, &QAction::triggered, &view, [&view] { copySelectedRows(view); });
    auto* csv = new QAction(QObject::tr("Export CSV…"), &view);
    QObject::connect(csv, &QAction::triggered, &view, [&view, &model, suggestedName] {
        exportCsvInteractively(&view, model, suggestedName);
    });
    view.setContextMenuPolicy(Qt::ActionsContextMenu);
    view.addActions({copy, csv});
}

int copySelectedRows(const QAbstractItemView& view) {
    const QAbstractItemModel* model = view.model();
    if (!model || !view.selectionModel()) return 0;
    QModelIndexList rows = view.selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex& index : rows) {
        QStringList cells;
        for (int c = 0; c < model->columnCount(); ++c)
            cells << model->data(model->index(index.row(), c)).toString();
        lines << cells.join(QLatin1Char('\t'));
    }
    if (!lines.isEmpty()) QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
    return static_cast<int>(lines.size());
}

}  // namespace stampede::ui
