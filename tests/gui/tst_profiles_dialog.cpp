// The connection profiles dialog as a person uses it: a new Redis profile typed in, "Test
// connection" answering in plain words (OK against a real redis-server, refused on a dead port)
// without freezing the window, Save writing the shared file without the password and the
// password into the keychain (a private gnome-keyring), "Use for runs" pointing the console's
// live connections at it.
#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>

#include "../unit/redis_server.h"
#include "engine_controller.h"
#include "profiles_dialog.h"
#include "stampede/profiles/connection_profile.h"
#include "stampede/profiles/keychain.h"

using namespace stampede;

class TestProfilesDialog : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    test::RedisServer m_redis;

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
        qputenv("STAMPEDE_PROFILES", m_dir.filePath(QStringLiteral("profiles.json")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("StampedeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_profiles_dialog"));
        QSettings().clear();
        qunsetenv("STAMPEDE_REDIS");
    }

    void createTestSaveAndUse() {
        ui::ProfilesDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* list = dialog.findChild<QListWidget*>(QStringLiteral("profileList"));
        QCOMPARE(list->count(), 0);
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("newProfile")),
                          Qt::LeftButton);
        QCOMPARE(list->count(), 1);
        auto* name = dialog.findChild<QLineEdit*>(QStringLiteral("name"));
        name->clear();
        QTest::keyClicks(name, QStringLiteral("local-redis"));
        QCOMPARE(list->item(0)->text(), QStringLiteral("local-redis"));
        dialog.findChild<QComboBox*>(QStringLiteral("kind"))
            ->setCurrentText(QStringLiteral("redis"));
        auto* port = dialog.findChild<QSpinBox*>(QStringLiteral("port"));
        auto* test = dialog.findChild<QPushButton*>(QStringLiteral("testConnection"));
        auto* result = dialog.findChild<QLabel*>(QStringLiteral("testResult"));

        port->setValue(1);  // nothing listens there
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(QStringLiteral("refused:")), 10000);

        port->setValue(m_redis.port());
        dialog.findChild<QCheckBox*>(QStringLiteral("useForRuns"))->setChecked(true);
        QTest::mouseClick(test, Qt::LeftButton);
        // The window stays responsive while the check runs: events are processed here.
        QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(QStringLiteral("OK: Redis")), 10000);
        // This server has no password: one given is refused, and said so.
        QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("password")),
                         QStringLiteral("kept-in-keychain"));
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!result->text().startsWith(QStringLiteral("OK")) &&
                                     !result->text().startsWith(QStringLiteral("Testing")),
                                 10000);
        QVERIFY(!result->text().contains(QStringLiteral("kept-in-keychain")));
        dialog.grab().save(m_dir.filePath(QStringLiteral("profiles-dialog.png")));
        if (!qEnvironmentVariableIsEmpty("STAMPEDE_SCREENSHOT_DIR"))
            dialog.grab().save(qEnvironmentVariable("STAMPEDE_SCREENSHOT_DIR") +
                               QStringLiteral("/profiles-dialog.png"));

        QSignalSpy saved(&dialog, &ui::ProfilesDialog::profilesSaved);
        auto* buttons = dialog.findChild<QDialogButtonBox*>();
        QTest::mouseClick(buttons->button(QDialogButtonBox::Save), Qt::LeftButton);
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("profilesFile"))
                    ->text()
                    .contains(QStringLiteral("keychain")));

        // The shared file has the profile and no password; the keychain has the password.
        QFile file(profiles::defaultProfilesPath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("local-redis"));
        QVERIFY(!text.contains("kept-in-keychain"));
        std::string error;
        const auto all = profiles::loadProfiles(profiles::defaultProfilesPath(), error);
        QVERIFY2(all && all->size() == 1, error.c_str());
        const auto password = profiles::readPassword(all->front(), error);
        QVERIFY2(password, error.c_str());
        QCOMPARE(*password, QStringLiteral("kept-in-keychain"));
        QCOMPARE(saved.count(), 1);
        // "Use for runs": the console's live Redis guards now connect there, the keychain's
        // password carried in the value, never through the environment.
        QVERIFY(!qEnvironmentVariableIsSet("STAMPEDE_REDIS"));
        QVERIFY(!qEnvironmentVariableIsSet("STAMPEDE_REDIS_PASSWORD"));
        const auto inUse = ui::ProfilesDialog::profilesInUse(true);
        QCOMPARE(inUse.size(), std::size_t(1));
        ui::EngineController controller;
        controller.useProfiles(inUse);
        const live::LiveSystems systems = controller.liveSystems();
        QCOMPARE(systems.redis->port, m_redis.port());
        QCOMPARE(systems.redis->password, std::string("kept-in-keychain"));
        QCOMPARE(systems.redisSource, std::string("profile local-redis"));
    }

    void reopenedDialogShowsWhatWasSaved() {
        ui::ProfilesDialog dialog;
        auto* list = dialog.findChild<QListWidget*>(QStringLiteral("profileList"));
        QCOMPARE(list->count(), 1);
        QCOMPARE(dialog.findChild<QLineEdit*>(QStringLiteral("name"))->text(),
                 QStringLiteral("local-redis"));
        QCOMPARE(dialog.findChild<QSpinBox*>(QStringLiteral("port"))->value(), m_redis.port());
        QVERIFY(dialog.findChild<QCheckBox*>(QStringLiteral("useForRuns"))->isChecked());
        // Deleting removes the profile and its password.
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("deleteProfile")),
                          Qt::LeftButton);
        QCOMPARE(list->count(), 0);
        std::string error;
        profiles::ConnectionProfile gone;
        gone.name = "local-redis";
        QVERIFY(!profiles::readPassword(gone, error));
    }
};

QTEST_MAIN(TestProfilesDialog)
#include "tst_profiles_dialog.moc"
