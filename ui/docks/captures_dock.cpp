#include "docks/captures_dock.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <regex>
#include <thread>
#include <tuple>

#include "capture_replayer.h"
#include "engine_controller.h"
#include "views/arrival_timeline.h"

namespace stampede::ui {
namespace {

const QString kLibraryKey = QStringLiteral("captures/library");
constexpr int kLibraryMax = 20;

std::vector<std::string> commaList(const QString& text) {
    std::vector<std::string> out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (const QString t = part.trimmed(); !t.isEmpty()) out.push_back(t.toStdString());
    return out;
}

}  // namespace

CapturesDock::CapturesDock(EngineController* controller, QWidget* parent)
    : QDockWidget(tr("Captures"), parent),
      m_controller(controller),
      m_replayer(new CaptureReplayer(controller, this)) {
    setObjectName(QStringLiteral("capturesDock"));
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);

    // The library: files opened before, newest first; the format and what a bad record does.
    m_openAction = new QAction(tr("Open &capture…"), this);
    m_openAction->setObjectName(QStringLiteral("openCaptureAction"));
    connect(m_openAction, &QAction::triggered, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Open a traffic capture"), {},
            tr("Captures (*.ndjson *.jsonl *.json *.gor *.har *.log *.gz *.zst);;All files (*)"));
        if (!file.isEmpty()) openCapture(file);
    });
    auto* top = new QHBoxLayout;
    auto* open = new QPushButton(tr("Open…"), body);
    connect(open, &QPushButton::clicked, m_openAction, &QAction::trigger);
    m_format = new QComboBox(body);
    m_format->setObjectName(QStringLiteral("captureFormat"));
    for (const char* f : {"auto", "ndjson", "gor", "har", "access-log", "alb", "k6"})
        m_format->addItem(QString::fromLatin1(f));
    m_format->setToolTip(tr("auto looks at the first bytes"));
    m_onError = new QComboBox(body);
    m_onError->addItems({tr("stop at a bad record"), tr("skip bad records")});
    top->addWidget(open);
    top->addWidget(new QLabel(tr("format"), body));
    top->addWidget(m_format);
    top->addWidget(m_onError);
    top->addStretch(1);
    layout->addLayout(top);
    // Another API than the seeds': where its requests name campaign and user.
    auto* rules = new QHBoxLayout;
    m_campaignFrom = new QLineEdit(body);
    m_campaignFrom->setObjectName(QStringLiteral("captureCampaignFrom"));
    m_userFrom = new QLineEdit(body);
    m_userFrom->setObjectName(QStringLiteral("captureUserFrom"));
    const QString hint =
        tr("the seed APIs' rules (or: path:N; body:FIELD; header:NAME; "
           "query:NAME; regex:RE)");
    m_campaignFrom->setPlaceholderText(hint);
    m_userFrom->setPlaceholderText(hint);
    for (QLineEdit* e : {m_campaignFrom, m_userFrom}) {
        e->setToolTip(
            tr("Imported requests only: rules tried in order, separated by ';'. path:3 "
               "is the 3rd path segment, body:a.b a JSON field, regex:RE its first "
               "group. A request no rule places is counted unmatched."));
        connect(e, &QLineEdit::editingFinished, this, [this] {
            if (!m_shownPath.isEmpty()) showCapture(m_shownPath);
        });
    }
    rules->addWidget(new QLabel(tr("campaign from"), body));
    rules->addWidget(m_campaignFrom, 1);
    rules->addWidget(new QLabel(tr("user from"), body));
    rules->addWidget(m_userFrom, 1);
    layout->addLayout(rules);
    auto* split = new QSplitter(Qt::Horizontal, body);
    m_library = new QListWidget(split);
    m_library->setObjectName(QStringLiteral("captureLibrary"));
    m_library->setMinimumWidth(180);
    connect(m_library, &QListWidget::currentTextChanged, this, [this](const QString& path) {
        if (!path.isEmpty() && path != m_shownPath) showCapture(path);
    });
    auto* detail = new QWidget(split);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_infoLabel = new QLabel(tr("Open a capture: Stampede NDJSON (run --record), GoReplay .gor, "
                                "HAR, nginx or ALB access logs, k6 --out json."),
                             detail);
    m_infoLabel->setObjectName(QStringLiteral("captureInfo"));
    m_infoLabel->setWordWrap(true);
    m_infoLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_infoLabel->setFont(mono);
    m_timeline = new ArrivalTimeline(detail);
    detailLayout->addWidget(m_infoLabel);
    detailLayout->addWidget(m_timeline, 1);
    split->addWidget(m_library);
    split->addWidget(detail);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    // The replay: timing, loops, filters, renaming; into the launcher's configuration.
    auto* replayBox = new QGroupBox(tr("Replay into the launcher's configuration"), body);
    auto* form = new QFormLayout(replayBox);
    auto* timing = new QHBoxLayout;
    m_original = new QRadioButton(tr("original timing ×"), replayBox);
    m_speed = new QDoubleSpinBox(replayBox);
    m_speed->setObjectName(QStringLiteral("replaySpeed"));
    m_speed->setRange(0.01, 1000);
    m_speed->setValue(1);
    m_speed->setToolTip(tr("2: twice as fast; 0.5: half as fast"));
    m_fixedRate = new QRadioButton(tr("fixed rate"), replayBox);
    m_rate = new QDoubleSpinBox(replayBox);
    m_rate->setRange(1, 1e7);
    m_rate->setDecimals(0);
    m_rate->setValue(1000);
    m_rate->setSuffix(tr(" req/s"));
    m_asFast = new QRadioButton(tr("as fast as taken"), replayBox);
    m_original->setChecked(true);
    for (QWidget* w : {static_cast<QWidget*>(m_original), static_cast<QWidget*>(m_speed),
                       static_cast<QWidget*>(m_fixedRate), static_cast<QWidget*>(m_rate),
                       static_cast<QWidget*>(m_asFast)})
        timing->addWidget(w);
    timing->addStretch(1);
    form->addRow(tr("Timing"), timing);
    m_loops = new QSpinBox(replayBox);
    m_loops->setRange(1, 1000);
    form->addRow(tr("Loops"), m_loops);
    m_campaigns = new QLineEdit(replayBox);
    m_campaigns->setPlaceholderText(tr("all (or: id,id,…)"));
    form->addRow(tr("Campaigns"), m_campaigns);
    m_users = new QLineEdit(replayBox);
    m_users->setPlaceholderText(tr("all (or a regular expression a user must contain)"));
    form->addRow(tr("Users"), m_users);
    auto* window = new QHBoxLayout;
    m_fromS = new QDoubleSpinBox(replayBox);
    m_toS = new QDoubleSpinBox(replayBox);
    for (QDoubleSpinBox* b : {m_fromS, m_toS}) {
        b->setRange(0, 1e7);
        b->setDecimals(3);
        b->setSuffix(tr(" s"));
    }
    m_toS->setSpecialValueText(tr("the end"));
    window->addWidget(new QLabel(tr("from"), replayBox));
    window->addWidget(m_fromS);
    window->addWidget(new QLabel(tr("to"), replayBox));
    window->addWidget(m_toS);
    window->addStretch(1);
    form->addRow(tr("Window"), window);
    m_mapCampaign = new QLineEdit(replayBox);
    m_mapCampaign->setPlaceholderText(tr("old=new,… (the capture's campaign → the scenario's)"));
    form->addRow(tr("Rename"), m_mapCampaign);
    auto* buttons = new QHBoxLayout;
    m_replayButton = new QPushButton(tr("Replay"), replayBox);
    m_replayButton->setObjectName(QStringLiteral("captureReplay"));
    m_replayButton->setEnabled(false);
    m_cancelButton = new QPushButton(tr("Cancel"), replayBox);
    m_cancelButton->setObjectName(QStringLiteral("captureCancel"));
    m_cancelButton->setEnabled(false);
    m_progress = new QProgressBar(replayBox);
    m_progress->setObjectName(QStringLiteral("captureProgress"));
    m_progress->setFormat(tr("%v of %m sent"));
    buttons->addWidget(m_replayButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_progress, 1);
    form->addRow(buttons);
    m_status = new QLabel(replayBox);
    m_status->setObjectName(QStringLiteral("captureStatus"));
    m_status->setWordWrap(true);
    form->addRow(m_status);
    layout->addWidget(replayBox);
    setWidget(body);

    connect(m_replayButton, &QPushButton::clicked, this, [this] { replay(); });
    connect(m_cancelButton, &QPushButton::clicked, this, &CapturesDock::cancelReplay);
    connect(m_replayer, &CaptureReplayer::progress, this, [this](qint64 sent, qint64 expected) {
        m_progress->setRange(0, int(std::min<qint64>(expected, INT32_MAX)));
        m_progress->setValue(int(std::min<qint64>(sent, INT32_MAX)));
    });
    connect(m_replayer, &CaptureReplayer::finished, this, [this](const QString& outcome) {
        m_status->setText(outcome);
        m_replayButton->setEnabled(m_info.has_value());
        m_cancelButton->setEnabled(false);
        Q_EMIT replayFinished(outcome);
    });

    // The library as it was left.
    for (const QString& path : QSettings().value(kLibraryKey).toStringList())
        if (QFileInfo::exists(path)) m_library->addItem(path);
}

CapturesDock::~CapturesDock() = default;

void CapturesDock::openCapture(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (int i = m_library->count() - 1; i >= 0; --i)
        if (m_library->item(i)->text() == absolute) delete m_library->takeItem(i);
    m_library->insertItem(0, absolute);
    while (m_library->count() > kLibraryMax) delete m_library->takeItem(m_library->count() - 1);
    saveLibrary();
    m_shownPath.clear();
    m_library->setCurrentRow(0);  // shows it
}

void CapturesDock::saveLibrary() const {
    QStringList paths;
    for (int i = 0; i < m_library->count(); ++i) paths << m_library->item(i)->text();
    QSettings().setValue(kLibraryKey, paths);
}

std::optional<capture::ReaderOptions> CapturesDock::readerOptions(QString& error) const {
    capture::ReaderOptions r;
    for (const auto& [edit, rules, what] :
         {std::tuple{m_campaignFrom, &r.mapping.campaign, tr("campaign from")},
          std::tuple{m_userFrom, &r.mapping.user, tr("user from")}})
        for (const QString& text : edit->text().split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            if (text.trimmed().isEmpty()) continue;
            std::string why;
            const auto rule = capture::parseMappingRule(text.trimmed().toStdString(), why);
            if (!rule) {
                error = what + QStringLiteral(": ") + QString::fromStdString(why);
                return std::nullopt;
            }
            rules->push_back(*rule);
        }
    r.format = capture::parseCaptureFormat(m_format->currentText().toStdString())
                   .value_or(capture::CaptureFormat::Auto);
    r.onError = m_onError->currentIndex() == 1 ? capture::OnError::Skip : capture::OnError::Stop;
    // `POST /api/event/apply` names no campaign: the scenario's only one, as the CLI does.
    const auto& campaigns = m_controller->scenario().campaigns;
    if (campaigns.size() == 1) r.defaultCampaign = campaigns.front().id;
    return r;
}

// Read off the GUI thread (a capture may be gigabytes): the answer comes back queued, and only
// the newest read's answer is shown.
void CapturesDock::showCapture(const QString& path) {
    m_shownPath = path;
    m_info.reset();
    m_timeline->clear();
    m_replayButton->setEnabled(false);
    const std::uint64_t read = ++m_reads;
    QString ruleError;
    const auto reading = readerOptions(ruleError);
    if (!reading) {
        m_infoLabel->setText(tr("Cannot read it: %1").arg(ruleError));
        Q_EMIT infoRead(ruleError);
        return;
    }
    m_infoLabel->setText(tr("Reading %1…").arg(path));
    std::thread([self = QPointer<CapturesDock>(this), path, options = *reading, read] {
        capture::CaptureError error;
        std::optional<capture::CaptureInfo> info;
        QString why;
        if (auto reader = capture::openCapture(path.toStdString(), options, error)) {
            capture::CaptureInfo i;
            i.file = path.toStdString();
            if (capture::summariseCapture(*reader, i))
                info = std::move(i);
            else
                why = QString::fromStdString(reader->error().toString());
        } else {
            why = QString::fromStdString(error.toString());
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, info = std::move(info), why, read] {
                if (!self || read != self->m_reads) return;
                if (!why.isEmpty()) {
                    self->m_infoLabel->setText(tr("Cannot read it: %1").arg(why));
                    Q_EMIT self->infoRead(why);
                    return;
                }
                self->m_info = info;
                self->m_infoLabel->setText(QString::fromStdString(capture::toText(*info)));
                self->m_timeline->setTimeline(info->timeline, info->timelineBucketUs);
                self->m_replayButton->setEnabled(!self->m_replayer->active());
                Q_EMIT self->infoRead({});
            },
            Qt::QueuedConnection);
    }).detach();
}

QString CapturesDock::infoText() const {
    return m_infoLabel->text();
}

std::optional<capture::ReplayOptions> CapturesDock::replayOptions(QString& error) const {
    capture::ReplayOptions r;
    if (m_original->isChecked()) r.speed = m_speed->value();
    if (m_fixedRate->isChecked()) r.rate = m_rate->value();
    if (m_asFast->isChecked()) r.rate = 0.0;
    r.loops = m_loops->value();
    r.campaigns = commaList(m_campaigns->text());
    r.userPattern = m_users->text().toStdString();
    if (!r.userPattern.empty()) {
        try {
            std::regex check(r.userPattern);
        } catch (const std::regex_error& e) {
            error = tr("Users: not a regular expression (%1)").arg(QString::fromUtf8(e.what()));
            return std::nullopt;
        }
    }
    if (m_fromS->value() > 0) r.fromUs = std::int64_t(m_fromS->value() * 1e6);
    if (m_toS->value() > 0) {
        r.toUs = std::int64_t(m_toS->value() * 1e6);
        if (r.fromUs && *r.toUs <= *r.fromUs) {
            error = tr("Window: 'to' must come after 'from'");
            return std::nullopt;
        }
    }
    if (std::string why;
        !capture::parseCampaignMap(m_mapCampaign->text().toStdString(), r.mapCampaign, why)) {
        error = tr("Rename: %1").arg(QString::fromStdString(why));
        return std::nullopt;
    }
    return r;
}

void CapturesDock::setSpeed(double speed) {
    m_original->setChecked(true);
    m_speed->setValue(speed);
}

void CapturesDock::setRate(std::optional<double> rate) {
    if (!rate) {
        m_original->setChecked(true);
    } else if (*rate <= 0) {
        m_asFast->setChecked(true);
    } else {
        m_fixedRate->setChecked(true);
        m_rate->setValue(*rate);
    }
}

void CapturesDock::setLoops(int loops) {
    m_loops->setValue(loops);
}

void CapturesDock::setMappingRules(const QString& campaignFrom, const QString& userFrom) {
    m_campaignFrom->setText(campaignFrom);
    m_userFrom->setText(userFrom);
    if (!m_shownPath.isEmpty()) showCapture(m_shownPath);
}

QString CapturesDock::replay() {
    const auto fail = [this](const QString& why) {
        m_status->setText(why);
        return why;
    };
    if (!m_info) return fail(tr("Open a capture first"));
    QString error;
    const auto options = replayOptions(error);
    if (!options) return fail(error);
    // A campaign the scenario does not have would be refused request by request: said first.
    QStringList missing;
    for (const auto& c : m_info->campaigns) {
        std::string id = c.id;
        for (const auto& [from, to] : options->mapCampaign)
            if (id == from) id = to;
        if (m_controller->scenario().campaignIndex(id) < 0 &&
            (options->campaigns.empty() ||
             std::find(options->campaigns.begin(), options->campaigns.end(), c.id) !=
                 options->campaigns.end()))
            missing << QString::fromStdString(id);
    }
    if (!missing.isEmpty())
        return fail(tr("The scenario has no campaign %1: rename the capture's (old=new) or add "
                       "it in the Campaigns dock")
                        .arg(missing.join(QStringLiteral(", "))));
    const auto reading = readerOptions(error);
    if (!reading) return fail(error);
    if (const QString why = m_replayer->start(m_shownPath, *reading, *options, m_info->requests);
        !why.isEmpty())
        return fail(tr("Cannot replay: %1").arg(why));
    m_status->setText(tr("Replaying %1 into %2…")
                          .arg(QFileInfo(m_shownPath).fileName(),
                               QString::fromStdString(m_controller->scenario().name)));
    m_replayButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setRange(0, int(std::min<qint64>(m_info->requests * options->loops, INT32_MAX)));
    m_progress->setValue(0);
    return {};
}

void CapturesDock::cancelReplay() {
    m_replayer->cancel();
}

bool CapturesDock::replaying() const {
    return m_replayer->active();
}

QString CapturesDock::statusText() const {
    return m_status->text();
}

}  // namespace stampede::ui
