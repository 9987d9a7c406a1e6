#include "profiles_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "stampede/profiles/connection_check.h"
#include "stampede/profiles/keychain.h"

namespace stampede::ui {

namespace {
QString qs(const std::string& s) {
    return QString::fromStdString(s);
}
std::string ss(const QString& s) {
    return s.trimmed().toStdString();
}
QString useKey(profiles::Kind kind) {
    return QStringLiteral("profiles/use_") + qs(std::string(profiles::toString(kind)));
}
const char* envOf(profiles::Kind kind) {
    switch (kind) {
        case profiles::Kind::Redis:
            return "STAMPEDE_REDIS";
        case profiles::Kind::MySql:
            return "STAMPEDE_MYSQL";
        case profiles::Kind::Kafka:
            return "STAMPEDE_KAFKA";
    }
    return "";
}
}  // namespace

ProfilesDialog::ProfilesDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("profilesDialog"));
    setWindowTitle(tr("Connection profiles"));
    m_path = profiles::defaultProfilesPath();
    std::string error;
    if (auto loaded = profiles::loadProfiles(m_path, error)) m_profiles = std::move(*loaded);
    m_passwords.resize(m_profiles.size());

    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("profileList"));
    auto* add = new QPushButton(tr("New"));
    add->setObjectName(QStringLiteral("newProfile"));
    auto* remove = new QPushButton(tr("Delete"));
    remove->setObjectName(QStringLiteral("deleteProfile"));
    auto* listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(remove);
    auto* left = new QVBoxLayout;
    left->addWidget(m_list);
    left->addLayout(listButtons);

    auto line = [](const char* name, const QString& placeholder = {}) {
        auto* e = new QLineEdit;
        e->setObjectName(QLatin1String(name));
        e->setPlaceholderText(placeholder);
        return e;
    };
    m_name = line("name");
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("kind"));
    m_kind->addItems({QStringLiteral("redis"), QStringLiteral("mysql"), QStringLiteral("kafka")});
    m_host = line("host", QStringLiteral("127.0.0.1"));
    m_port = new QSpinBox;
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default"));
    m_user = line("user");
    m_database = line("database");
    m_tls = new QCheckBox(tr("TLS"));
    m_tls->setObjectName(QStringLiteral("tls"));
    m_caFile = line("caFile", tr("system CA certificates"));
    m_bootstrap = line("bootstrap", tr("HOST:PORT,… (default: host and port)"));
    m_security = new QComboBox;
    m_security->setObjectName(QStringLiteral("securityProtocol"));
    m_security->addItems({QString(), QStringLiteral("plaintext"), QStringLiteral("ssl"),
                          QStringLiteral("sasl_plaintext"), QStringLiteral("sasl_ssl")});
    m_password = line("password", tr("kept in the system keychain"));
    m_password->setEchoMode(QLineEdit::Password);
    m_useForRuns = new QCheckBox(tr("Use for runs (live guards, kafka transport)"));
    m_useForRuns->setObjectName(QStringLiteral("useForRuns"));

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Host"), m_host);
    form->addRow(tr("Port"), m_port);
    form->addRow(tr("User"), m_user);
    form->addRow(tr("Database"), m_database);
    form->addRow(QString(), m_tls);
    form->addRow(tr("CA file"), m_caFile);
    form->addRow(tr("Bootstrap servers"), m_bootstrap);
    form->addRow(tr("Security protocol"), m_security);
    form->addRow(tr("Password"), m_password);
    form->addRow(QString(), m_useForRuns);

    m_test = new QPushButton(tr("Test connection"));
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_result = new QLabel;
    m_result->setObjectName(QStringLiteral("testResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_result, 1);
    auto* right = new QVBoxLayout;
    right->addLayout(form);
    right->addLayout(testRow);
    right->addStretch();

    auto* columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 2);
    m_fileLabel = new QLabel(tr("Saved in %1 (no passwords there)").arg(m_path));
    m_fileLabel->setObjectName(QStringLiteral("profilesFile"));
    m_fileLabel->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_fileLabel);
    layout->addWidget(buttons);

    for (const auto& p : m_profiles) m_list->addItem(qs(p.name));
    connect(m_list, &QListWidget::currentRowChanged, this, &ProfilesDialog::select);
    connect(add, &QPushButton::clicked, this, &ProfilesDialog::addProfile);
    connect(remove, &QPushButton::clicked, this, &ProfilesDialog::deleteProfile);
    connect(m_test, &QPushButton::clicked, this, &ProfilesDialog::testConnection);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ProfilesDialog::updateKindFields);
    connect(m_tls, &QCheckBox::toggled, this, &ProfilesDialog::updateKindFields);
    connect(m_name, &QLineEdit::textEdited, this, [this](const QString& text) {
        if (m_current >= 0) m_list->item(m_current)->setText(text);
    });
    connect(buttons->button(QDialogButtonBox::Save), &QPushButton::clicked, this,
            [this] { save(); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_list->setCurrentRow(m_profiles.empty() ? -1 : 0);
    select(m_list->currentRow());
    resize(760, 460);
}

void ProfilesDialog::updateKindFields() {
    const bool kafka = m_kind->currentText() == QStringLiteral("kafka");
    const bool enabled = m_current >= 0;
    for (QWidget* w : std::initializer_list<QWidget*>{m_name, m_kind, m_host, m_port, m_user,
                                                      m_password, m_tls, m_useForRuns, m_test})
        w->setEnabled(enabled);
    m_database->setEnabled(enabled && !kafka);
    m_bootstrap->setEnabled(enabled && kafka);
    m_security->setEnabled(enabled && kafka);
    m_caFile->setEnabled(enabled && m_tls->isChecked());
}

void ProfilesDialog::select(int row) {
    if (m_current >= 0 && m_current < int(m_profiles.size())) storeForm();
    m_current = row;
    m_result->clear();
    if (row < 0 || row >= int(m_profiles.size())) {
        updateKindFields();
        return;
    }
    const profiles::ConnectionProfile& p = m_profiles[std::size_t(row)];
    m_name->setText(qs(p.name));
    m_kind->setCurrentText(qs(std::string(profiles::toString(p.kind))));
    m_host->setText(qs(p.host));
    m_port->setValue(p.port);
    m_user->setText(qs(p.user));
    m_database->setText(qs(p.database));
    m_tls->setChecked(p.tls);
    m_caFile->setText(qs(p.caFile));
    m_bootstrap->setText(qs(p.bootstrap));
    m_security->setCurrentText(qs(p.securityProtocol));
    m_password->setText(m_passwords[std::size_t(row)]);
    m_useForRuns->setChecked(QSettings().value(useKey(p.kind)).toString() == qs(p.name));
    updateKindFields();
}

void ProfilesDialog::storeForm() {
    profiles::ConnectionProfile& p = m_profiles[std::size_t(m_current)];
    const auto oldKind = p.kind;
    const std::string oldName = p.name;
    p.name = ss(m_name->text());
    p.kind = profiles::parseKind(ss(m_kind->currentText())).value_or(profiles::Kind::Redis);
    p.host = m_host->text().trimmed().isEmpty() ? "127.0.0.1" : ss(m_host->text());
    p.port = m_port->value();
    p.user = ss(m_user->text());
    p.database = ss(m_database->text());
    p.tls = m_tls->isChecked();
    p.caFile = ss(m_caFile->text());
    p.bootstrap = ss(m_bootstrap->text());
    p.securityProtocol = ss(m_security->currentText());
    m_passwords[std::size_t(m_current)] = m_password->text();
    QSettings settings;
    if (m_useForRuns->isChecked())
        settings.setValue(useKey(p.kind), qs(p.name));
    else if (settings.value(useKey(oldKind)).toString() == qs(oldName))
        settings.remove(useKey(oldKind));
}

void ProfilesDialog::addProfile() {
    if (m_current >= 0) storeForm();
    profiles::ConnectionProfile p;
    int n = int(m_profiles.size()) + 1;
    while (profiles::findProfile(m_profiles, "profile-" + std::to_string(n))) ++n;
    p.name = "profile-" + std::to_string(n);
    m_profiles.push_back(p);
    m_passwords.emplace_back();
    m_current = -1;  // the new row's form is not stored over the old one
    m_list->addItem(qs(p.name));
    m_list->setCurrentRow(int(m_profiles.size()) - 1);
    m_name->setFocus();
    m_name->selectAll();
}

void ProfilesDialog::deleteProfile() {
    if (m_current < 0) return;
    const int row = m_current;
    m_current = -1;
    std::string error;
    profiles::deletePassword(m_profiles[std::size_t(row)], error);
    m_profiles.erase(m_profiles.begin() + row);
    m_passwords.erase(m_passwords.begin() + row);
    delete m_list->takeItem(row);
    select(m_list->currentRow());
}

// Off the GUI thread: a check may take its whole timeout (a few seconds).
void ProfilesDialog::testConnection() {
    if (m_current < 0) return;
    storeForm();
    profiles::ConnectionProfile p = m_profiles[std::size_t(m_current)];
    std::string password = m_passwords[std::size_t(m_current)].toStdString();
    if (password.empty()) {
        std::string error;
        if (const auto stored = profiles::readPassword(p, error)) password = stored->toStdString();
    }
    m_test->setEnabled(false);
    m_result->setStyleSheet(QString());
    m_result->setText(tr("Testing %1 …").arg(qs(p.url())));
    QPointer<ProfilesDialog> self(this);
    QThread* worker = QThread::create([self, p, password] {
        const profiles::CheckResult r = profiles::checkConnection(p, password);
        QMetaObject::invokeMethod(QCoreApplication::instance(), [self, r] {
            if (!self) return;
            self->m_test->setEnabled(true);
            self->m_result->setStyleSheet(r.ok ? QStringLiteral("color: #1b7f3b")
                                               : QStringLiteral("color: #b3261e"));
            self->m_result->setText(qs(r.words));
        });
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

bool ProfilesDialog::save() {
    if (m_current >= 0) storeForm();
    for (std::size_t i = 0; i < m_profiles.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (m_profiles[i].name.empty() || m_profiles[i].name == m_profiles[j].name) {
                QMessageBox::warning(this, tr("Connection profiles"),
                                     tr("Every profile needs a name of its own."));
                return false;
            }
    std::string error;
    if (!profiles::saveProfiles(m_path, m_profiles, error)) {
        QMessageBox::warning(this, tr("Connection profiles"), qs(error));
        return false;
    }
    for (std::size_t i = 0; i < m_profiles.size(); ++i) {
        if (m_passwords[i].isEmpty()) continue;
        if (!profiles::storePassword(m_profiles[i], m_passwords[i], error)) {
            QMessageBox::warning(this, tr("Connection profiles"),
                                 tr("The profiles are saved, but not the password of %1: %2")
                                     .arg(qs(m_profiles[i].name), qs(error)));
            return false;
        }
    }
    Q_EMIT profilesSaved();
    m_fileLabel->setText(tr("Saved in %1 (passwords in the system keychain)").arg(m_path));
    return true;
}

std::vector<live::ResolvedProfile> ProfilesDialog::profilesInUse(bool override) {
    std::vector<std::string> names;
    QSettings settings;
    for (profiles::Kind kind :
         {profiles::Kind::Redis, profiles::Kind::MySql, profiles::Kind::Kafka}) {
        const QString name = settings.value(useKey(kind)).toString();
        if (!name.isEmpty() && (override || !qEnvironmentVariableIsSet(envOf(kind))))
            names.push_back(ss(name));
    }
    std::string error;
    auto resolved = live::resolveProfiles(names, profiles::defaultProfilesPath(), error);
    if (resolved) return *resolved;
    // One profile that is gone must not take the others with it.
    std::vector<live::ResolvedProfile> some;
    for (const std::string& name : names)
        if (auto one = live::resolveProfiles({name}, profiles::defaultProfilesPath(), error))
            some.push_back(one->front());
    return some;
}

}  // namespace stampede::ui
