#include "docks/event_log_dock.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "engine_controller.h"
#include "export_actions.h"
#include "models/event_log_model.h"

namespace stampede::ui {

EventLogDock::EventLogDock(EngineController* controller, QWidget* parent)
    : QDockWidget(tr("Event log"), parent), m_model(new EventLogModel(controller, this)) {
    setObjectName(QStringLiteral("eventLogDock"));
    // Two filters in a chain: the source (operator/engine), then free text over every column.
    m_sourceFilter = new QSortFilterProxyModel(this);
    m_sourceFilter->setSourceModel(m_model);
    m_sourceFilter->setFilterRole(EventLogModel::SourceRole);
    m_sourceFilter->setFilterKeyColumn(EventLogModel::Source);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_sourceFilter);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    auto* source = new QComboBox;
    source->addItem(tr("All sources"), QString());
    source->addItem(tr("Operator"), QStringLiteral("operator"));
    source->addItem(tr("Engine"), QStringLiteral("engine"));
    connect(source, &QComboBox::currentIndexChanged, this, [this, source] {
        const QString key = source->currentData().toString();
        m_sourceFilter->setFilterFixedString(key);
    });
    auto* text = new QLineEdit;
    text->setPlaceholderText(tr("Filter events…"));
    text->setClearButtonEnabled(true);
    connect(text, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    addTableExportActions(*m_table, *m_proxy, QStringLiteral("events"));
    // Follow the newest event unless the operator scrolled up to read.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, m_table, [this] {
        if (!m_table->selectionModel()->hasSelection()) m_table->scrollToBottom();
    });

    auto* filters = new QHBoxLayout;
    filters->addWidget(source);
    filters->addWidget(text, 1);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(filters);
    layout->addWidget(m_table);
    setWidget(content);
}

}  // namespace stampede::ui
