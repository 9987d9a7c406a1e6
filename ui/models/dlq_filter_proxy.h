#pragma once
// What the DLQ inspector shows of its DlqModel: the operator's filters (reason, campaign, minimum
// attempts, a dead-lettered time range, free text) and sorting by the model's raw values
// (Qt::UserRole), so attempts and times sort as numbers. Filters the copy the model holds; it
// never asks the engine.

#include <QSortFilterProxyModel>

#include <optional>
#include <string>

#include "stampede/dlq/dead_letter_queue.h"

namespace stampede::ui {

class DlqModel;

class DlqFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit DlqFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;

    // Each setter refilters at once and emits filterChanged(); setting the same value is free.
    void setReason(const QString& reason);      // exact; empty: any
    void setCampaign(const QString& campaign);  // exact campaign id; empty: any
    void setMinAttempts(int attempts);          // 0: any
    // Dead-lettered in [from, to), seconds since the run's start; nullopt: unbounded.
    void setTimeRange(std::optional<double> fromS, std::optional<double> toS);
    // Case-insensitive substring of payload, reason, campaign, user or any error message.
    void setText(const QString& text);
    void clearFilters();

    QString reason() const { return m_reason; }
    QString campaign() const { return m_campaign; }
    int minAttempts() const { return m_minAttempts; }
    QString text() const { return m_text; }
    bool isFiltering() const;

    // The filters as a pure predicate, for a letter that is not (yet) in the model.
    bool accepts(const dlq::DeadLetter& letter) const;

Q_SIGNALS:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool matchesText(const dlq::DeadLetter& letter) const;
    void refilter();

    DlqModel* m_dlq = nullptr;
    QString m_reason;
    QString m_campaign;
    std::string m_reasonUtf8;
    std::string m_campaignUtf8;
    int m_minAttempts = 0;
    std::optional<std::int64_t> m_fromNs;
    std::optional<std::int64_t> m_toNs;
    QString m_text;
    std::string m_needle;  // m_text in UTF-8, ASCII-lowercased
};

}  // namespace stampede::ui
