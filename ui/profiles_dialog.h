#pragma once
// Edit > Connection profiles: where Redis, MySQL/MariaDB and Kafka are. Profiles are kept in the
// file the CLI reads too (profiles::defaultProfilesPath()); passwords go to the system keychain,
// never to that file or to QSettings. "Test connection" answers in plain words without freezing
// the window; "Use for runs" makes a profile the one the launcher's live guards and the kafka
// transport connect to.

#include <QDialog>

#include <vector>

#include "stampede/live/live_systems.h"
#include "stampede/profiles/connection_profile.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace stampede::ui {

class ProfilesDialog : public QDialog {
    Q_OBJECT
public:
    explicit ProfilesDialog(QWidget* parent = nullptr);

    // The profiles chosen with "Use for runs", with their keychain passwords, for the console's
    // live connections (EngineController::useProfiles). A system the environment names
    // (STAMPEDE_REDIS, STAMPEDE_MYSQL, STAMPEDE_KAFKA) keeps it unless `override` is set.
    static std::vector<live::ResolvedProfile> profilesInUse(bool override);

Q_SIGNALS:
    // Saved: the profiles in use may have changed.
    void profilesSaved();

private:
    void select(int row);
    void storeForm();  // the form into m_profiles[m_current]
    void addProfile();
    void deleteProfile();
    void testConnection();
    bool save();
    void updateKindFields();

    QString m_path;
    std::vector<profiles::ConnectionProfile> m_profiles;
    std::vector<QString> m_passwords;  // typed in this session; empty: unchanged
    int m_current = -1;

    QListWidget* m_list = nullptr;
    QLineEdit* m_name = nullptr;
    QComboBox* m_kind = nullptr;
    QLineEdit* m_host = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_database = nullptr;
    QCheckBox* m_tls = nullptr;
    QLineEdit* m_caFile = nullptr;
    QLineEdit* m_bootstrap = nullptr;
    QComboBox* m_security = nullptr;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_useForRuns = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_result = nullptr;
    QLabel* m_fileLabel = nullptr;
};

}  // namespace stampede::ui
