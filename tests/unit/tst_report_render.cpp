// The comparison's reports looked at as their readers would: the HTML file opened by a real
// browser (headless Chromium, no network) and photographed, the PDF read back by poppler
// (pdftotext for its words, pdftoppm for its picture). The pictures must show what the numbers
// say: none's over-issue bar in red beside atomic's, the charts drawn, the race witnesses there.
#include <QtTest>

#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

QString cli() {
    return QStringLiteral(STAMPEDE_CLI_PATH);
}

// Pixels within a few steps of `colour`.
int pixelsOf(const QImage& image, QColor colour) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) < 12 &&
                std::abs(c.green() - colour.green()) < 12 &&
                std::abs(c.blue() - colour.blue()) < 12)
                ++n;
        }
    return n;
}

QString tool(const char* name) {
    const QString path = QStandardPaths::findExecutable(QString::fromLatin1(name));
    if (path.isEmpty()) qWarning("%s is not installed: run installer/install-deps.sh", name);
    return path;
}

}  // namespace

class TestReportRender : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_html, m_pdf;

    void keep(const QString& file) {
        if (qEnvironmentVariableIsSet("STAMPEDE_SCREENSHOTS"))
            QFile::copy(file, qEnvironmentVariable("STAMPEDE_SCREENSHOTS") + u'/' +
                                  QFileInfo(file).fileName());
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_html = m_dir.filePath(u"report.html"_s);
        m_pdf = m_dir.filePath(u"report.pdf"_s);
        QProcess compare;
        compare.start(
            cli(), {u"compare"_s, QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-003.json"),
                    u"--guards"_s, u"none,atomic"_s, u"--report"_s, m_html, u"--pdf"_s, m_pdf,
                    u"--quiet"_s});
        QVERIFY(compare.waitForFinished(120000));
        QVERIFY2(compare.exitCode() == 0, compare.readAllStandardError().constData());
        QVERIFY(QFileInfo(m_html).size() > 0);
        QVERIFY(QFileInfo(m_pdf).size() > 0);
    }

    void theHtmlReportRendersInChromium() {
        const QString chromium = tool("chromium");
        QVERIFY(!chromium.isEmpty());
        const QString shot = m_dir.filePath(u"report-html.png"_s);
        QProcess browser;
        // No network at all: whatever the page needs must be inside it.
        browser.start(
            chromium,
            {u"--headless=new"_s, u"--no-sandbox"_s, u"--disable-gpu"_s, u"--hide-scrollbars"_s,
             u"--no-first-run"_s, u"--user-data-dir="_s + m_dir.filePath(u"chromium"_s),
             u"--host-resolver-rules=MAP * ~NOTFOUND"_s, u"--window-size=1400,2600"_s,
             u"--screenshot="_s + shot, QUrl::fromLocalFile(m_html).toString()});
        QVERIFY(browser.waitForFinished(120000));
        QVERIFY2(QFileInfo::exists(shot), browser.readAllStandardError().right(2000).constData());
        keep(shot);
        const QImage image(shot);
        QCOMPARE(image.size(), QSize(1400, 2600));
        // none's over-issue bar (#c33) and the other bars (#4a7ab0): the inline SVG was drawn.
        const int red = pixelsOf(image, QColor(0xcc, 0x33, 0x33));
        const int blue = pixelsOf(image, QColor(0x4a, 0x7a, 0xb0));
        qInfo("HTML report in Chromium: %d red and %d blue chart pixels", red, blue);
        QVERIFY(red > 500);
        QVERIFY(blue > 2000);
        // The best cells' green (#d8f0d8) marks the table.
        QVERIFY(pixelsOf(image, QColor(0xd8, 0xf0, 0xd8)) > 500);
    }

    void thePdfReportReadsBack() {
        const QString pdftotext = tool("pdftotext"), pdftoppm = tool("pdftoppm");
        QVERIFY(!pdftotext.isEmpty() && !pdftoppm.isEmpty());
        QProcess text;
        text.start(pdftotext, {u"-layout"_s, m_pdf, u"-"_s});
        QVERIFY(text.waitForFinished(30000));
        const QString words = QString::fromUtf8(text.readAllStandardOutput());
        for (const QString& expected :
             {u"Comparison: seed-003"_s, u"Final table"_s, u"Side by side"_s, u"Race witnesses"_s,
              u"none: over-issued"_s, u"one unit went twice"_s, u"atomic"_s})
            QVERIFY2(words.contains(expected), qPrintable(expected + u" not in:\n"_s + words));
        QProcess picture;
        const QString prefix = m_dir.filePath(u"report-pdf"_s);
        picture.start(pdftoppm, {u"-r"_s, u"60"_s, u"-png"_s, u"-f"_s, u"1"_s, u"-l"_s, u"1"_s,
                                 m_pdf, prefix});
        QVERIFY(picture.waitForFinished(30000));
        QString page = prefix + u"-1.png"_s;
        if (!QFileInfo::exists(page)) page = prefix + u"-01.png"_s;
        QVERIFY2(QFileInfo::exists(page), picture.readAllStandardError().constData());
        keep(page);
        const QImage image(page);
        QVERIFY(image.width() > image.height());  // A4 landscape
        const int red = pixelsOf(image, QColor(0xc6, 0x28, 0x28));
        const int blue = pixelsOf(image, QColor(0x4a, 0x7a, 0xb0));
        qInfo("PDF page 1: %d red and %d blue chart pixels", red, blue);
        QVERIFY(red > 50);
        QVERIFY(blue > 200);
    }

    void aPdfToStdoutIsRefusedBeforeAnythingRuns() {
        QProcess compare;
        compare.start(
            cli(), {u"compare"_s, QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-001.json"),
                    u"--guards"_s, u"none,atomic"_s, u"--pdf"_s, u"-"_s});
        QVERIFY(compare.waitForFinished(30000));
        QCOMPARE(compare.exitCode(), 2);
        QVERIFY(compare.readAllStandardError().contains("--pdf -: a PDF goes to a file"));
    }
};

QTEST_GUILESS_MAIN(TestReportRender)
#include "tst_report_render.moc"
