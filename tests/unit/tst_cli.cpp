// stampede-cli as scripts use it: exit codes, the JSON summary's keys, bad input refused with a
// message naming the place, and nothing written when it is; every subcommand's own options and
// help, and the README's command summary held to what --help says.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "cli_test_support.h"
#include "stampede/guards/guard_registry.h"

namespace {

using Result = stampede::test::CliResult;
using stampede::test::cli;
using stampede::test::sim;

QByteArray bytes(std::string_view s) {
    return QByteArray(s.data(), qsizetype(s.size()));
}

QStringList words(const char* text) {
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// The names of the options a --help lists: its lines that start with them ("  -h,--help  …",
// "  --json FILE|-  …").
QStringList optionsInHelp(const QByteArray& help) {
    static const QRegularExpression line(QStringLiteral("^\\s+(-\\S*)"));
    QStringList names;
    for (const QString& l : QString::fromUtf8(help).split(QLatin1Char('\n')))
        if (const auto m = line.match(l); m.hasMatch())
            names += m.captured(1).split(QLatin1Char(','), Qt::SkipEmptyParts);
    return names;
}

// The subcommands (or a subcommand's actions) a --help lists under "Subcommands:".
QStringList subcommandsInHelp(const QByteArray& help) {
    static const QRegularExpression line(QStringLiteral("^  (\\S+)"));
    QStringList names;
    bool inSection = false;
    for (const QString& l : QString::fromUtf8(help).split(QLatin1Char('\n'))) {
        if (l.trimmed().isEmpty()) inSection = false;
        if (inSection)
            if (const auto m = line.match(l); m.hasMatch()) names << m.captured(1);
        if (l.startsWith(QLatin1String("Subcommands:"))) inSection = true;
    }
    return names;
}

// One command of the README's summary block: `stampede-cli SUB [ACTION|ACTION] … --option …`.
struct SummaryLine {
    QString text, subcommand;
    QStringList actions, options;
};

// The summary block under "## stampede-cli" in README.md; an indented line continues the one
// before it.
QList<SummaryLine> readmeSummary() {
    QFile file(QStringLiteral(STAMPEDE_SOURCE_DIR "/README.md"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    qsizetype i = lines.indexOf(QStringLiteral("## stampede-cli"));
    if (i < 0) return {};
    while (++i < lines.size() && !lines[i].startsWith(QLatin1String("```"))) {
    }
    QStringList commands;
    while (++i < lines.size() && !lines[i].startsWith(QLatin1String("```"))) {
        if (lines[i].startsWith(QLatin1Char(' ')) && !commands.isEmpty())
            commands.last() += QLatin1Char(' ') + lines[i].trimmed();
        else if (!lines[i].trimmed().isEmpty())
            commands << lines[i].trimmed();
    }
    static const QRegularExpression option(QStringLiteral("(?<![\\w-])--[a-z][a-z0-9-]*"));
    static const QRegularExpression action(QStringLiteral("^[a-z][a-z-]*(\\|[a-z][a-z-]*)*$"));
    QList<SummaryLine> out;
    for (const QString& command : commands) {
        SummaryLine s;
        s.text = command;
        const QStringList tokens = command.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (tokens.size() < 2 || tokens[0] != QLatin1String("stampede-cli")) {
            out << s;  // the test names it
            continue;
        }
        s.subcommand = tokens[1];
        if (tokens.size() > 2 && action.match(tokens[2]).hasMatch())
            s.actions = tokens[2].split(QLatin1Char('|'));
        for (auto it = option.globalMatch(command); it.hasNext();)
            s.options << it.next().captured();
        out << s;
    }
    return out;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& content) {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(content);
        return f.fileName();
    }

private Q_SLOTS:
    void runPrintsTheContractsJson() {
        const Result r =
            cli({QStringLiteral("run"), sim("seed-001.json"), QStringLiteral("--json"),
                 QStringLiteral("-"), QStringLiteral("--pace"), QStringLiteral("asap")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const char* key :
             {"requests", "admitted", "duplicates", "stock", "issued", "over_issued",
              "under_issued", "fairness_inversions", "winners_sha256", "states",
              "rejected_by_reason", "dlq", "latency_ms", "throughput_rps", "wall_s", "pipeline",
              "guard", "transport", "seed"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o[QStringLiteral("issued")].toInt(), 50);
        QCOMPARE(o[QStringLiteral("requests")].toInt(), 100);
        QCOMPARE(o[QStringLiteral("over_issued")].toInt(), 0);
        QCOMPARE(o[QStringLiteral("fairness_inversions")].toInt(), 0);
        QCOMPARE(o[QStringLiteral("states")].toObject()[QStringLiteral("SUCCEEDED")].toInt(), 50);
        const QJsonObject e2e =
            o[QStringLiteral("latency_ms")].toObject()[QStringLiteral("e2e")].toObject();
        for (const char* key : {"p50", "p95", "p99", "max"})
            QVERIFY(e2e.contains(QLatin1String(key)));
        QCOMPARE(o[QStringLiteral("guard")].toString(), QStringLiteral("single-consumer"));

        // Same scenario, same seed: the same winners.
        const Result again =
            cli({QStringLiteral("run"), sim("seed-001.json"), QStringLiteral("--json"),
                 QStringLiteral("-"), QStringLiteral("--pace"), QStringLiteral("asap")});
        QCOMPARE(QJsonDocument::fromJson(again.out).object()[QStringLiteral("winners_sha256")],
                 o[QStringLiteral("winners_sha256")]);
    }

    void overridesApplyAndNoneSaysItOverIssued() {
        const QString json = m_dir.filePath(QStringLiteral("none.json"));
        const Result r =
            cli({QStringLiteral("run"), sim("seed-003.json"), QStringLiteral("--guard"),
                 QStringLiteral("none"), QStringLiteral("--workers"), QStringLiteral("4"),
                 QStringLiteral("--pace"), QStringLiteral("asap"), QStringLiteral("--json"), json});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("OVER-ISSUED"));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(o[QStringLiteral("guard")].toString(), QStringLiteral("none"));
        QCOMPARE(o[QStringLiteral("workers")].toInt(), 4);
        QVERIFY(o[QStringLiteral("over_issued")].toInt() > 0);
        QVERIFY(o[QStringLiteral("warnings")].toArray().first().toString().contains(
            QStringLiteral("OVER-ISSUED")));
    }

    void badInputExitsTwoAndWritesNothing_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("mentions");
        const QByteArray good = R"({"name":"x","campaigns":[{"id":"c1","stock":5}],)"
                                R"("arrivals":[{"campaign":"c1","profile":"spike","users":10}]})";
        QTest::newRow("truncated") << good.left(40) << QStringList() << QStringLiteral(":1:");
        QTest::newRow("negative stock") << QByteArray(good).replace("\"stock\":5", "\"stock\":-5")
                                        << QStringList() << QStringLiteral("stock");
        QTest::newRow("wrong type") << QByteArray(good).replace("\"stock\":5", "\"stock\":\"5\"")
                                    << QStringList() << QStringLiteral("stock");
        QTest::newRow("missing campaigns")
            << QByteArray(R"({"name":"x"})") << QStringList() << QStringLiteral("campaigns");
        QTest::newRow("unknown key")
            << QByteArray(good).replace("\"stock\"", "\"stok\":1,\"stock\"") << QStringList()
            << QStringLiteral("stok");
        QTest::newRow("unknown guard in file")
            << QByteArray(good).replace("]}", R"(],"run":{"guard":"optimistic"}})") << QStringList()
            << QStringLiteral("guard");
        QTest::newRow("unknown guard flag")
            << good << QStringList{QStringLiteral("--guard"), QStringLiteral("bogus")}
            << QStringLiteral("bogus");
        QTest::newRow("backend guard")
            << good << QStringList{QStringLiteral("--guard"), QStringLiteral("redis-lua")}
            << QStringLiteral("redis-lua");
        QTest::newRow("bad workers")
            << good << QStringList{QStringLiteral("--workers"), QStringLiteral("zero")}
            << QStringLiteral("--workers");
        QTest::newRow("unknown option")
            << good << QStringList{QStringLiteral("--frobnicate"), QStringLiteral("1")}
            << QStringLiteral("--frobnicate");
        QByteArray garbage(10 * 1024 * 1024, '\0');
        auto* rng = QRandomGenerator::global();
        for (auto& c : garbage) c = static_cast<char>(rng->bounded(256));
        QTest::newRow("10 MB of garbage")
            << garbage << QStringList() << QStringLiteral("scenario.json");
    }
    void badInputExitsTwoAndWritesNothing() {
        QFETCH(QByteArray, content);
        QFETCH(QStringList, extra);
        QFETCH(QString, mentions);
        const QString file = write(QStringLiteral("scenario.json"), content);
        const QString json = m_dir.filePath(QStringLiteral("out.json"));
        QFile::remove(json);
        const Result r =
            cli(QStringList{QStringLiteral("run"), file, QStringLiteral("--json"), json} + extra,
                30000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
        QVERIFY(!QFile::exists(json));
    }

    // Every subcommand that takes --seed takes what a scenario file takes: [0, 2^63 - 1].
    void seedsReachWhatAScenarioTakes_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("run") << QStringList{QStringLiteral("run"), sim("seed-003.json"),
                                            QStringLiteral("--pace"), QStringLiteral("asap")};
        QTest::newRow("compare") << QStringList{
            QStringLiteral("compare"),      sim("seed-003.json"),     QStringLiteral("--guards"),
            QStringLiteral("atomic,mutex"), QStringLiteral("--pace"), QStringLiteral("asap")};
        QTest::newRow("replay") << QStringList{
            QStringLiteral("replay"),
            QStringLiteral(STAMPEDE_SOURCE_DIR "/tests/fuzz/corpus/capture_ndjson/complete.ndjson"),
            QStringLiteral("--dry-run"), QStringLiteral("--stock"), QStringLiteral("10")};
    }
    void seedsReachWhatAScenarioTakes() {
        QFETCH(QStringList, args);
        const Result largest =
            cli(args + QStringList{QStringLiteral("--seed"), QStringLiteral("9223372036854775807"),
                                   QStringLiteral("--quiet")});
        QVERIFY2(largest.exitCode == 0, largest.err.constData());
        const Result beyond = cli(
            args + QStringList{QStringLiteral("--seed"), QStringLiteral("9223372036854775808")});
        QCOMPARE(beyond.exitCode, 2);
        QVERIFY2(beyond.err.contains("--seed"), beyond.err.constData());
    }

    void missingFileIsNamed() {
        const Result r = cli({QStringLiteral("run"), QStringLiteral("/nonexistent/s.json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("/nonexistent/s.json"));
        QCOMPARE(cli({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(cli({}).exitCode, 2);
    }

    void eachSubcommandTakesOnlyItsOwnOptions_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("dlq list --pipeline")
            << words("dlq list --pipeline x") << words("--pipeline dlq");
        QTest::newRow("dlq list --pipeline=x")
            << words("dlq list --pipeline=x") << words("--pipeline dlq");
        QTest::newRow("run --topic") << QStringList{QStringLiteral("run"), sim("seed-001.json"),
                                                    QStringLiteral("--topic"), QStringLiteral("t")}
                                     << words("--topic run");
        QTest::newRow("bench --guard") << words("bench --guard none") << words("--guard bench");
        QTest::newRow("broker --json") << words("broker --json -") << words("--json broker");
        QTest::newRow("profiles test --redis")
            << words("profiles test p --redis redis://127.0.0.1:1") << words("--redis profiles");
        QTest::newRow("an option before the subcommand")
            << words("--json - bench") << words("--json");
        QTest::newRow("unknown command") << words("frobnicate") << words("frobnicate run");
        QTest::newRow("no command") << QStringList() << words("run dlq");
        QTest::newRow("dlq without its action") << words("dlq") << words("list replay purge");
        QTest::newRow("dlq unknown action") << words("dlq frob") << words("frob list");
        QTest::newRow("a second scenario")
            << QStringList{QStringLiteral("run"), sim("seed-001.json"), sim("seed-003.json")}
            << QStringList{QStringLiteral("seed-003.json")};
        QTest::newRow("store and topic at once")
            << words("dlq list --store sqlite:///tmp/x.db --kafka 127.0.0.1:1 --topic t")
            << words("--store --kafka");
        QTest::newRow("workers out of range")
            << QStringList{QStringLiteral("run"), sim("seed-001.json"), QStringLiteral("--workers"),
                           QStringLiteral("0")}
            << words("--workers [1, 256]");
        QTest::newRow("brokers out of range")
            << words("broker --brokers=10") << words("--brokers [1, 9]");
        QTest::newRow("requests out of range")
            << words("bench --requests 0") << words("--requests");
        QTest::newRow("rate not a number")
            << words("dlq replay --run 1 --rate fast") << words("--rate fast");
        QTest::newRow("sampling out of range")
            << QStringList{QStringLiteral("run"), sim("seed-001.json"),
                           QStringLiteral("--event-sampling"), QStringLiteral("1.5")}
            << words("--event-sampling 1.5");
        QTest::newRow("missing value") << words("export --what") << words("--what");
    }
    void eachSubcommandTakesOnlyItsOwnOptions() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, mentions);
        const Result r = cli(args, 15000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        for (const QString& m : mentions)
            QVERIFY2(QString::fromUtf8(r.err).contains(m),
                     qPrintable(QStringLiteral("no '%1' in: %2").arg(m, QString::fromUtf8(r.err))));
    }

    void runWithoutScenarioIsAUsageError() {
        const Result r =
            cli({QStringLiteral("run"), QStringLiteral("--pace"), QStringLiteral("asap")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("SCENARIO"), r.err.constData());
    }

    void flagEqualsValueWorks() {
        // seed-001's single-consumer guard runs one worker whatever is asked: atomic takes two.
        const Result r = cli({QStringLiteral("run"), sim("seed-001.json"),
                              QStringLiteral("--workers=2"), QStringLiteral("--json=-"),
                              QStringLiteral("--pace=asap"), QStringLiteral("--guard=atomic")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o[QStringLiteral("workers")].toInt(), 2);
        QCOMPARE(o[QStringLiteral("guard")].toString(), QStringLiteral("atomic"));
        QCOMPARE(o[QStringLiteral("issued")].toInt(), 50);
    }

    void everySubcommandAnswersHelp() {
        for (const char* flag : {"--help", "-h"}) {
            const Result top = cli({QString::fromLatin1(flag)});
            QCOMPARE(top.exitCode, 0);
            QVERIFY(top.err.isEmpty());
            const QStringList subcommands = subcommandsInHelp(top.out);
            for (const char* expected :
                 {"run", "bench", "dlq", "aggregate", "export", "broker", "worker", "profiles"})
                QVERIFY2(subcommands.contains(QLatin1String(expected)), expected);
            for (const QString& sub : subcommands) {
                const Result r = cli({sub, QString::fromLatin1(flag)});
                QVERIFY2(r.exitCode == 0, qPrintable(sub + QLatin1Char(' ') + QLatin1String(flag)));
                QVERIFY2(r.out.contains(QByteArray("Usage: stampede-cli " + sub.toUtf8())),
                         r.out.constData());
                QVERIFY(optionsInHelp(r.out).contains(QStringLiteral("--help")));
                for (const QString& action : subcommandsInHelp(r.out)) {
                    const Result a = cli({sub, action, QString::fromLatin1(flag)});
                    QVERIFY2(a.exitCode == 0, qPrintable(sub + QLatin1Char(' ') + action));
                    QVERIFY2(a.out.contains(QByteArray("Usage: stampede-cli " +
                                                       (sub + QLatin1Char(' ') + action).toUtf8())),
                             a.out.constData());
                }
            }
        }
        // The old spelling still answers.
        const Result help = cli({QStringLiteral("help"), QStringLiteral("run")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("Usage: stampede-cli run"));
    }

    // A --redis that an in-memory guard does not use is said, and the run goes on.
    void anUnusedBackendIsSaid() {
        const Result r =
            cli({QStringLiteral("run"), sim("seed-001.json"), QStringLiteral("--guard"),
                 QStringLiteral("atomic"), QStringLiteral("--redis"),
                 QStringLiteral("redis://127.0.0.1:1"), QStringLiteral("--pace"),
                 QStringLiteral("asap"), QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("--redis is not used: guard 'atomic'"), r.err.constData());
    }

    // `stampede-cli --help` says where the default store is: the console's file too.
    void helpNamesTheDefaultStore() {
        const Result r = cli({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("default store: sqlite://") &&
                     r.out.contains("/stampede/stampede.db (the console's too"),
                 r.out.constData());
    }

    void versionIsTheProjects() {
        const Result r = cli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("stampede-cli " STAMPEDE_VERSION));
    }

    // The README's command summary is true: every subcommand, action and option it names is one
    // that --help lists, and it names every subcommand and action there is.
    void readmeSummaryAgreesWithHelp() {
        const QList<SummaryLine> summary = readmeSummary();
        QVERIFY2(summary.size() >= 8, "no command summary under ## stampede-cli in README.md");
        const Result top = cli({QStringLiteral("--help")});
        QCOMPARE(top.exitCode, 0);
        const QStringList subcommands = subcommandsInHelp(top.out);
        QStringList named;
        for (const SummaryLine& line : summary) {
            QVERIFY2(subcommands.contains(line.subcommand),
                     qPrintable(QStringLiteral("README: `%1`: no such subcommand").arg(line.text)));
            const Result sub = cli({line.subcommand, QStringLiteral("--help")});
            const QStringList actions = subcommandsInHelp(sub.out);
            named << line.subcommand;
            QStringList targets;
            for (const QString& action : line.actions) {
                QVERIFY2(actions.contains(action),
                         qPrintable(QStringLiteral("README: `%1`: %2 has no action %3")
                                        .arg(line.text, line.subcommand, action)));
                targets << line.subcommand + QLatin1Char(' ') + action;
                named << targets.last();
            }
            if (targets.isEmpty()) targets << line.subcommand;
            for (const QString& target : targets) {
                const Result help =
                    cli(target.split(QLatin1Char(' ')) + QStringList{QStringLiteral("--help")});
                QCOMPARE(help.exitCode, 0);
                const QStringList options = optionsInHelp(help.out);
                for (const QString& option : line.options)
                    QVERIFY2(options.contains(option),
                             qPrintable(QStringLiteral("README: `%1` names %2, which `stampede-cli "
                                                       "%3 --help` does not list")
                                            .arg(line.text, option, target)));
            }
        }
        for (const QString& sub : subcommands) {
            QVERIFY2(named.contains(sub),
                     qPrintable(QStringLiteral("README's summary lacks `%1`").arg(sub)));
            for (const QString& action :
                 subcommandsInHelp(cli({sub, QStringLiteral("--help")}).out))
                QVERIFY2(
                    named.contains(sub + QLatin1Char(' ') + action),
                    qPrintable(QStringLiteral("README's summary lacks `%1 %2`").arg(sub, action)));
        }
    }

    // A screenshot renders a run without writing into the user's default store.
    void consoleScreenshotLeavesTheStoreAlone() {
#ifndef STAMPEDE_GUI_PATH
        QSKIP("built without the console (STAMPEDE_BUILD_GUI=OFF)");
#else
        QTemporaryDir home;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.remove(QStringLiteral("STAMPEDE_STORE"));
        p.setProcessEnvironment(env);
        const QString png = home.filePath(QStringLiteral("shot.png"));
        p.start(QStringLiteral(STAMPEDE_GUI_PATH),
                {QStringLiteral("--screenshot"), png, QStringLiteral("--scenario"),
                 QStringLiteral("seed-001"), QStringLiteral("--run")});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(QFileInfo::exists(png));
        QVERIFY2(!QFileInfo::exists(home.filePath(QStringLiteral("data/stampede/stampede.db"))),
                 "the screenshot wrote into the default store");
#endif
    }

    // The console answers --help and --version before it opens a window, so with no display.
    void consoleAnswersHelpAndVersionWithoutDisplay() {
#ifndef STAMPEDE_GUI_PATH
        QSKIP("built without the console (STAMPEDE_BUILD_GUI=OFF)");
#else
        auto console = [](const QStringList& args, bool display) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove(QStringLiteral("DISPLAY"));
            env.remove(QStringLiteral("WAYLAND_DISPLAY"));
            // xcb with no X server: a QApplication would abort.
            env.insert(QStringLiteral("QT_QPA_PLATFORM"),
                       display ? QStringLiteral("offscreen") : QStringLiteral("xcb"));
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(STAMPEDE_GUI_PATH), args);
            p.waitForFinished(30000);
            return Result{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                          p.readAllStandardOutput(), p.readAllStandardError()};
        };
        for (const char* flag : {"--help", "-h"}) {
            const Result r = console({QString::fromLatin1(flag)}, false);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            for (const char* option : {"--screenshot", "--scenario", "--probe", "--version"})
                QVERIFY2(r.out.contains(option), option);
        }
        const Result version = console({QStringLiteral("--version")}, false);
        QVERIFY2(version.exitCode == 0, version.err.constData());
        QCOMPARE(version.out.trimmed(), QByteArray("Stampede " STAMPEDE_VERSION));
        // A usage error is still one (it is told once the window system took its own options).
        const Result bad = console({QStringLiteral("--frobnicate")}, true);
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("frobnicate"), bad.err.constData());
        const Result pace = console({QStringLiteral("--pace=slow")}, true);
        QCOMPARE(pace.exitCode, 2);
        QVERIFY2(pace.err.contains("--pace"), pace.err.constData());
#endif
    }

    void benchReportsItsKeys() {
        const Result r =
            cli({QStringLiteral("bench"), QStringLiteral("--requests"), QStringLiteral("20000"),
                 QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const char* key :
             {"engine_rps", "floor_rps", "ratio", "peak_bytes_per_request", "requests"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o[QStringLiteral("requests")].toInt(), 20000);
        QVERIFY(o[QStringLiteral("engine_rps")].toDouble() > 0);
        QVERIFY(o[QStringLiteral("correct")].toBool());
        // The processor it ran on, as lscpu names it, in the JSON and next to the figures.
        const QString cpu = o[QStringLiteral("cpu")].toString();
        QVERIFY(!cpu.isEmpty());
        QVERIFY2(r.err.contains(QByteArray("cpu     ").append(cpu.toUtf8())), r.err.constData());
    }

    void guardsListsEveryGuard() {
        const Result r = cli({QStringLiteral("guards")});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 13);
        QCOMPARE(qsizetype(stampede::guards::knownGuards().size()), lines.size());
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const auto& g = stampede::guards::knownGuards()[std::size_t(i)];
            const QList<QByteArray> words = lines[i].simplified().split(' ');
            QCOMPARE(words.value(0), bytes(g.name));
            QCOMPARE(words.value(1), bytes(stampede::guards::toString(g.family)));
            QVERIFY2(lines[i].contains(bytes(g.needs())), lines[i].constData());
            QVERIFY2(lines[i].contains(bytes(g.description)), lines[i].constData());
        }

        const Result json =
            cli({QStringLiteral("guards"), QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(json.exitCode, 0);
        const QJsonArray list =
            QJsonDocument::fromJson(json.out).object()[QStringLiteral("guards")].toArray();
        QCOMPARE(list.size(), 13);
        QStringList names, families;
        for (const auto& v : list) {
            const QJsonObject o = v.toObject();
            names << o[QStringLiteral("name")].toString();
            families << o[QStringLiteral("family")].toString();
            for (const char* key : {"needs", "description", "races_on_purpose"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("none"), QStringLiteral("mutex"),
                              QStringLiteral("semaphore"), QStringLiteral("atomic"),
                              QStringLiteral("single-consumer"),
                              QStringLiteral("mutex-early-release"), QStringLiteral("redis-lua"),
                              QStringLiteral("redis-lock"), QStringLiteral("redis-naive"),
                              QStringLiteral("mysql-pessimistic"), QStringLiteral("mysql-atomic"),
                              QStringLiteral("mysql-optimistic"), QStringLiteral("mysql-naive")}));
        QCOMPARE(families.count(QStringLiteral("memory")), 6);
        QCOMPARE(families.count(QStringLiteral("redis")), 3);
        QCOMPARE(families.count(QStringLiteral("mysql")), 4);

        QCOMPARE(cli({QStringLiteral("guards"), QStringLiteral("extra")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
