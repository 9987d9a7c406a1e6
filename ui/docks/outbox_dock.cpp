#include "docks/outbox_dock.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

#include "http_ingress.h"

namespace stampede::ui {
namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

OutboxDock::OutboxDock(HttpIngress* ingress, QWidget* parent)
    : QDockWidget(tr("Outbox"), parent),
      m_ingress(ingress),
      m_table(new QTableWidget(this)),
      m_count(new QLabel(this)) {
    setObjectName(QStringLiteral("outboxDock"));
    m_table->setObjectName(QStringLiteral("outboxTable"));
    m_table->setColumnCount(6);
    m_table->setHorizontalHeaderLabels(
        {tr("#"), tr("Written"), tr("To"), tr("Kind"), tr("Subject"), tr("Delivery")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    for (int column = 0; column < 5; ++column)
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_count->setObjectName(QStringLiteral("outboxCount"));
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_table);
    layout->addWidget(m_count);
    setWidget(body);
    connect(ingress, &HttpIngress::outboxChanged, this, &OutboxDock::refresh);
    refresh();
}

void OutboxDock::refresh() {
    const auto messages = m_ingress->outbox();
    m_table->setRowCount(int(messages.size()));
    const QLocale locale;
    for (int row = 0; row < int(messages.size()); ++row) {
        const auto& m = messages[std::size_t(row)];
        const QString written =
            locale.toString(QDateTime::fromMSecsSinceEpoch(m.createdAtMs).toLocalTime(),
                            QStringLiteral("HH:mm:ss"));
        const QString cells[] = {QString::number(m.id), written,       qs(m.to), qs(m.kind),
                                 qs(m.subject),         qs(m.delivery)};
        for (int column = 0; column < 6; ++column) {
            auto* item = m_table->item(row, column);
            if (!item) m_table->setItem(row, column, item = new QTableWidgetItem);
            if (item->text() != cells[column]) item->setText(cells[column]);
        }
        // A message the delivery gave up on must not look like the others.
        m_table->item(row, 5)->setForeground(
            m.delivery.rfind("failed", 0) == 0 ? QBrush(QColor(0xc6, 0x28, 0x28)) : QBrush());
    }
    m_count->setText(messages.empty()
                         ? tr("No messages: codes and results appear here while Serve HTTP is on")
                         : tr("%1 message(s), the newest last").arg(messages.size()));
}

}  // namespace stampede::ui
