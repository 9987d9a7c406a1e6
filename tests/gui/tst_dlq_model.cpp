// The DLQ inspector's models: DlqModel over a copy of the dead letters and DlqFilterProxy over it.
// Both run under QAbstractItemModelTester while the data is swapped and the filters change; each
// filter criterion keeps exactly the right rows; numbers sort as numbers.
#include <QAbstractItemModelTester>
#include <QtTest>

#include "models/dlq_filter_proxy.h"
#include "models/dlq_model.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

dlq::DeadLetter letter(core::RequestId id, const std::string& campaign, std::uint64_t user,
                       const std::string& reason, double atS,
                       const std::vector<std::string>& errors) {
    dlq::DeadLetter l;
    l.requestId = id;
    l.campaignId = campaign;
    l.user = user;
    l.reason = reason;
    l.attempts = static_cast<int>(errors.size());
    l.receivedNs = static_cast<std::int64_t>(atS * 1e9) - 1'000'000;
    l.deadLetteredNs = static_cast<std::int64_t>(atS * 1e9);
    for (std::size_t i = 0; i < errors.size(); ++i)
        l.errors.push_back({static_cast<int>(i) + 1, l.receivedNs + std::int64_t(i), errors[i]});
    l.payload = "{\"request_id\":" + std::to_string(id) + ",\"campaign\":\"" + campaign +
                "\",\"user\":\"" + std::to_string(user) +
                "\",\"sequence\":" + std::to_string(id * 7) + ",\"verified\":true}";
    return l;
}

std::vector<std::string> times(int n, const std::string& message) {
    return std::vector<std::string>(static_cast<std::size_t>(n), message);
}

// Five letters, ordered by request id as listDlq() returns them.
std::vector<dlq::DeadLetter> sample() {
    std::vector<dlq::DeadLetter> out;
    out.push_back(letter(3, "c1", 30, "permanent failure", 0.5, {"injected permanent failure"}));
    out.push_back(letter(9, "c1", 31, "retries exhausted", 1.25,
                         {"injected transient failure", "Guard Unavailable"}));
    out.push_back(
        letter(10, "c2", 32, "permanent failure", 2.0, {"timeout", "injected permanent failure"}));
    out.push_back(
        letter(20, "c2", 33, "retries exhausted", 3.5, times(10, "injected transient failure")));
    dlq::DeadLetter named = letter(21, "c1", (1ULL << 32) + 5, "permanent failure", 4.0,
                                   times(3, "injected permanent failure"));
    named.payload = "{\"request_id\":21,\"campaign\":\"c1\",\"user\":\"Alice\",\"sequence\":147}";
    out.push_back(named);
    return out;
}

// Request ids of the proxy's rows, in the proxy's order.
QList<qulonglong> idsOf(const QAbstractItemModel& model) {
    QList<qulonglong> ids;
    for (int r = 0; r < model.rowCount(); ++r)
        ids << model.data(model.index(r, DlqModel::Request), Qt::UserRole).toULongLong();
    return ids;
}

}  // namespace

class TestDlqModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsLettersLazily() {
        DlqModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(DlqModel::ColumnCount));
        model.resetData(sample());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.headerData(DlqModel::DeadLetteredAt, Qt::Horizontal).toString(),
                 QStringLiteral("Dead-lettered at"));
        auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
            return model.data(model.index(row, column), role);
        };
        QCOMPARE(cell(1, DlqModel::Request).toString(), QStringLiteral("9"));
        QCOMPARE(cell(1, DlqModel::Campaign).toString(), QStringLiteral("c1"));
        QCOMPARE(cell(1, DlqModel::User).toString(), QStringLiteral("31"));
        QCOMPARE(cell(1, DlqModel::Reason).toString(), QStringLiteral("retries exhausted"));
        QCOMPARE(cell(1, DlqModel::Attempts).toString(), QStringLiteral("2"));
        QCOMPARE(cell(1, DlqModel::DeadLetteredAt).toString(), QStringLiteral("1.250 s"));
        QCOMPARE(cell(1, DlqModel::LastError).toString(), QStringLiteral("Guard Unavailable"));
        // Raw values for sorting: numbers stay numbers.
        QCOMPARE(cell(3, DlqModel::Attempts, Qt::UserRole).toInt(), 10);
        QCOMPARE(cell(3, DlqModel::DeadLetteredAt, Qt::UserRole).toLongLong(),
                 qlonglong(3'500'000'000));
        QCOMPARE(cell(1, DlqModel::LastError, Qt::ToolTipRole).toString(),
                 QStringLiteral("Guard Unavailable"));
        QVERIFY(cell(0, DlqModel::Request, Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("0.499 s")));
        // An outside caller's user keeps the name it was given.
        QCOMPARE(cell(4, DlqModel::User).toString(), QStringLiteral("Alice"));
        // A letter read back from a store has no user number: the payload still names the user.
        {
            dlq::DeadLetter stored = letter(40, "c1", 0, "retries exhausted", 1.0, {"x"});
            stored.payload = "{\"request_id\":40,\"campaign\":\"c1\",\"user\":\"612\"}";
            DlqModel one;
            one.resetData({stored});
            QCOMPARE(one.data(one.index(0, DlqModel::User)).toString(), QStringLiteral("612"));
        }
        QVERIFY(!model.data(model.index(0, 0), Qt::DecorationRole).isValid());

        QCOMPARE(model.letterAt(2)->requestId, core::RequestId(10));
        QVERIFY(!model.letterAt(5));
        QVERIFY(!model.letterAt(-1));
        QCOMPARE(model.rowOf(20), 3);
        QCOMPARE(model.rowOf(4), -1);
        auto unordered = sample();
        std::reverse(unordered.begin(), unordered.end());
        model.resetData(unordered);
        QCOMPARE(model.rowOf(20), 1);
        QCOMPARE(model.rowOf(4), -1);
    }

    void testersSurviveResetsAndFilters() {
        DlqModel model;
        DlqFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.sort(DlqModel::Attempts, Qt::DescendingOrder);
        QAbstractItemModelTester modelTester(&model,
                                             QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester proxyTester(&proxy,
                                             QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.resetData(sample());
        proxy.setReason(QStringLiteral("permanent failure"));
        QCOMPARE(proxy.rowCount(), 3);
        auto fewer = sample();
        fewer.erase(fewer.begin());
        model.resetData(fewer);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setText(QStringLiteral("timeout"));
        QCOMPARE(proxy.rowCount(), 1);
        model.resetData({});
        QCOMPARE(proxy.rowCount(), 0);
        model.resetData(sample());
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setTimeRange(1.0, std::nullopt);
        proxy.setMinAttempts(2);
        proxy.setCampaign(QStringLiteral("c2"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.clearFilters();
        QCOMPARE(proxy.rowCount(), 5);
        QVERIFY(!proxy.isFiltering());
    }

    void filtersByEachCriterion_data() {
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("campaign");
        QTest::addColumn<int>("minAttempts");
        QTest::addColumn<double>("fromS");  // < 0: unbounded
        QTest::addColumn<double>("toS");    // < 0: unbounded
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<qulonglong>>("expected");
        const QString any;
        QTest::newRow("none") << any << any << 0 << -1.0 << -1.0 << any
                              << QList<qulonglong>{3, 9, 10, 20, 21};
        QTest::newRow("reason") << QStringLiteral("retries exhausted") << any << 0 << -1.0 << -1.0
                                << any << QList<qulonglong>{9, 20};
        QTest::newRow("reason is exact")
            << QStringLiteral("retries") << any << 0 << -1.0 << -1.0 << any << QList<qulonglong>{};
        QTest::newRow("campaign") << any << QStringLiteral("c2") << 0 << -1.0 << -1.0 << any
                                  << QList<qulonglong>{10, 20};
        QTest::newRow("min attempts")
            << any << any << 3 << -1.0 << -1.0 << any << QList<qulonglong>{20, 21};
        QTest::newRow("from") << any << any << 0 << 2.0 << -1.0 << any
                              << QList<qulonglong>{10, 20, 21};
        QTest::newRow("to is exclusive")
            << any << any << 0 << -1.0 << 2.0 << any << QList<qulonglong>{3, 9};
        QTest::newRow("from and to")
            << any << any << 0 << 1.0 << 3.5 << any << QList<qulonglong>{9, 10};
        QTest::newRow("text in an earlier error, any case")
            << any << any << 0 << -1.0 << -1.0 << QStringLiteral("TIMEOUT")
            << QList<qulonglong>{10};
        QTest::newRow("text in the last error")
            << any << any << 0 << -1.0 << -1.0 << QStringLiteral("guard unavailable")
            << QList<qulonglong>{9};
        QTest::newRow("text in the payload")
            << any << any << 0 << -1.0 << -1.0 << QStringLiteral("\"sequence\":70")
            << QList<qulonglong>{10};
        QTest::newRow("text is a user's name")
            << any << any << 0 << -1.0 << -1.0 << QStringLiteral("alice") << QList<qulonglong>{21};
        QTest::newRow("text is a campaign")
            << any << any << 0 << -1.0 << -1.0 << QStringLiteral("C2") << QList<qulonglong>{10, 20};
        QTest::newRow("text is a reason")
            << any << any << 0 << -1.0 << -1.0 << QStringLiteral("Exhausted")
            << QList<qulonglong>{9, 20};
        QTest::newRow("text matches nothing")
            << any << any << 0 << -1.0 << -1.0 << QStringLiteral("zebra") << QList<qulonglong>{};
        QTest::newRow("all at once")
            << QStringLiteral("permanent failure") << QStringLiteral("c1") << 2 << 3.0 << 5.0
            << QStringLiteral("permanent") << QList<qulonglong>{21};
    }

    void filtersByEachCriterion() {
        QFETCH(QString, reason);
        QFETCH(QString, campaign);
        QFETCH(int, minAttempts);
        QFETCH(double, fromS);
        QFETCH(double, toS);
        QFETCH(QString, text);
        QFETCH(QList<qulonglong>, expected);
        DlqModel model;
        DlqFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.sort(DlqModel::Request, Qt::AscendingOrder);
        model.resetData(sample());
        QSignalSpy changed(&proxy, &DlqFilterProxy::filterChanged);
        proxy.setReason(reason);
        proxy.setCampaign(campaign);
        proxy.setMinAttempts(minAttempts);
        proxy.setTimeRange(fromS < 0 ? std::nullopt : std::optional(fromS),
                           toS < 0 ? std::nullopt : std::optional(toS));
        proxy.setText(text);
        QCOMPARE(idsOf(proxy), expected);
        // The same filters over letters that are not in the model.
        QList<qulonglong> accepted;
        for (const auto& l : sample())
            if (proxy.accepts(l)) accepted << l.requestId;
        QCOMPARE(accepted, expected);
        // Setting a filter to what it already is refilters nothing.
        const auto before = changed.count();
        proxy.setText(text);
        proxy.setReason(reason);
        QCOMPARE(changed.count(), before);
    }

    void sortsNumbersAsNumbers() {
        DlqModel model;
        DlqFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.resetData(sample());
        // As text, "10" < "2" < "3": the proxy must sort attempts 1, 2, 2, 3, 10.
        proxy.sort(DlqModel::Attempts, Qt::AscendingOrder);
        QList<int> attempts;
        for (int r = 0; r < proxy.rowCount(); ++r)
            attempts << proxy.data(proxy.index(r, DlqModel::Attempts)).toString().toInt();
        QCOMPARE(attempts, (QList<int>{1, 2, 2, 3, 10}));
        proxy.sort(DlqModel::Attempts, Qt::DescendingOrder);
        QCOMPARE(proxy.data(proxy.index(0, DlqModel::Request)).toString(), QStringLiteral("20"));
        // Request ids 3, 9, 10, 20, 21 (as text 10 < 20 < 21 < 3 < 9).
        proxy.sort(DlqModel::Request, Qt::AscendingOrder);
        QCOMPARE(idsOf(proxy), (QList<qulonglong>{3, 9, 10, 20, 21}));
        proxy.sort(DlqModel::DeadLetteredAt, Qt::DescendingOrder);
        QCOMPARE(idsOf(proxy), (QList<qulonglong>{21, 20, 10, 9, 3}));
        // Sorting survives a reset and a filter.
        auto more = sample();
        more.push_back(letter(30, "c1", 40, "permanent failure", 9.0, {"x"}));
        model.resetData(more);
        proxy.setCampaign(QStringLiteral("c1"));
        QCOMPARE(idsOf(proxy), (QList<qulonglong>{30, 21, 9, 3}));
    }
};

QTEST_MAIN(TestDlqModel)
#include "tst_dlq_model.moc"
