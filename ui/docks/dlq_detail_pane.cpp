#include "docks/dlq_detail_pane.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "models/dlq_model.h"
#include "stampede/dlq/dead_letter_queue.h"

namespace stampede::ui {
namespace {

QWidget* titled(const QString& title, QWidget* content) {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* label = new QLabel(title);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

}  // namespace

DlqDetailPane::DlqDetailPane(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel;
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);

    m_payload = new QPlainTextEdit;
    m_payload->setObjectName(QStringLiteral("dlqPayload"));
    m_payload->setReadOnly(true);
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_errors = new QTableWidget(0, 3);
    m_errors->setObjectName(QStringLiteral("dlqErrorHistory"));
    m_errors->setHorizontalHeaderLabels({tr("Attempt"), tr("At"), tr("Message")});
    m_errors->verticalHeader()->hide();
    m_errors->verticalHeader()->setDefaultSectionSize(m_errors->fontMetrics().height() + 6);
    m_errors->horizontalHeader()->setStretchLastSection(true);
    m_errors->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_errors->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_errors->setWordWrap(false);
    m_errors->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_errors->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(titled(tr("Payload"), m_payload));
    split->addWidget(titled(tr("Error history"), m_errors));
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
}

void DlqDetailPane::showLetter(const dlq::DeadLetter* letter) {
    m_errors->setRowCount(0);
    if (!letter) {
        m_title->setText(tr("Select a dead letter to see its payload and error history."));
        m_payload->clear();
        return;
    }
    m_title->setText(
        (letter->attempts == 1 ? tr("Request %1 of campaign %2, user %3: %4 after %5 attempt. "
                                    "Received at %6, dead-lettered at %7; earlier replays: %8.")
                               : tr("Request %1 of campaign %2, user %3: %4 after %5 attempts. "
                                    "Received at %6, dead-lettered at %7; earlier replays: %8."))
            .arg(QString::number(letter->requestId), QString::fromStdString(letter->campaignId),
                 DlqModel::userName(*letter), QString::fromStdString(letter->reason),
                 QString::number(letter->attempts), DlqModel::formatSeconds(letter->receivedNs),
                 DlqModel::formatSeconds(letter->deadLetteredNs),
                 QString::number(letter->replays)));
    QJsonParseError error;
    const QByteArray raw = QByteArray::fromStdString(letter->payload);
    const QJsonDocument json = QJsonDocument::fromJson(raw, &error);
    m_payload->setPlainText(error.error == QJsonParseError::NoError
                                ? QString::fromUtf8(json.toJson(QJsonDocument::Indented)).trimmed()
                                : QString::fromUtf8(raw));
    showErrors(*letter);
}

void DlqDetailPane::showErrors(const dlq::DeadLetter& letter) {
    m_errors->setRowCount(static_cast<int>(letter.errors.size()));
    for (int i = 0; i < m_errors->rowCount(); ++i) {
        const dlq::AttemptError& e = letter.errors[static_cast<std::size_t>(i)];
        const QString message = QString::fromStdString(e.message);
        auto* attempt = new QTableWidgetItem(QString::number(e.attempt));
        attempt->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto* at = new QTableWidgetItem(DlqModel::formatSeconds(e.atNs));
        at->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto* text = new QTableWidgetItem(message);
        text->setToolTip(message);
        m_errors->setItem(i, 0, attempt);
        m_errors->setItem(i, 1, at);
        m_errors->setItem(i, 2, text);
    }
}

}  // namespace stampede::ui
