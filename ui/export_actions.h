#pragma once
// Getting data out of the console: any table as CSV, any chart or view as PNG, selected rows to
// the clipboard (tab-separated, so they paste into a spreadsheet).

#include <QString>

class QAbstractItemModel;
class QAbstractItemView;
class QIODevice;
class QWidget;

namespace stampede::ui {

// The model's visible columns with a header row; quotes fields that need it (RFC 4180).
bool writeCsv(const QAbstractItemModel& model, QIODevice& out);
// Asks for a file name, then writes the model as CSV; reports errors in a message box.
void exportCsvInteractively(QWidget* parent, const QAbstractItemModel& model,
                            const QString& suggestedName);
// Renders `widget` (a chart, a view) to a PNG at the screen's device pixel ratio.
bool savePng(QWidget& widget, const QString& fileName);
void exportPngInteractively(QWidget* parent, QWidget& widget, const QString& suggestedName);
// The selected rows of `view` as tab-separated text on the clipboard; returns rows copied.
int copySelectedRows(const QAbstractItemView& view);
// Adds "Copy rows" (Ctrl+C) and "Export CSV…" of `model` to `view`'s context menu.
void addTableExportActions(QAbstractItemView& view, const QAbstractItemModel& model,
                           const QString& suggestedName);

}  // namespace stampede::ui
