#pragma once
// The engineer's traffic captures: a library of capture files (Stampede NDJSON, GoReplay .gor,
// HAR, nginx and ALB access logs, k6 JSON; gzip read directly), what each holds (capture info:
// requests, span, campaigns, users, duplicates, peak rates, unmatched) with its arrival-rate
// timeline, and a replay of the chosen one into the launcher's configuration: original timing ×
// speed, a fixed rate or as fast as taken, looped, filtered, campaigns renamed; progress and
// cancel, the result in the dashboard like any run's.

#include <QDockWidget>

#include <optional>

#include "stampede/capture/capture_info.h"
#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_replay.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace stampede::ui {

class ArrivalTimeline;
class CaptureReplayer;
class EngineController;

class CapturesDock : public QDockWidget {
    Q_OBJECT
public:
    CapturesDock(EngineController* controller, QWidget* parent = nullptr);
    ~CapturesDock() override;

    // Adds `path` to the library and reads it (in the background); infoRead() follows.
    void openCapture(const QString& path);
    // The capture shown, once read.
    const std::optional<capture::CaptureInfo>& info() const { return m_info; }
    QString infoText() const;
    ArrivalTimeline* timeline() const { return m_timeline; }
    QListWidget* library() const { return m_library; }

    // The replay's settings as the controls hold them; nullopt with `error` naming the field.
    std::optional<capture::ReplayOptions> replayOptions(QString& error) const;
    void setSpeed(double speed);
    void setRate(std::optional<double> rate);  // nullopt: original timing; 0: as fast as taken
    void setLoops(int loops);
    // Where an imported request names its campaign and its user ("path:4; body:eventId"), as
    // --campaign-from and --user-from; the shown capture is read again with them.
    void setMappingRules(const QString& campaignFrom, const QString& userFrom);
    // Starts the replay of the capture shown; empty, or why not (also said in the dock).
    QString replay();
    void cancelReplay();
    bool replaying() const;
    QString statusText() const;

    QAction* openAction() const { return m_openAction; }

Q_SIGNALS:
    void infoRead(const QString& error);
    void replayFinished(const QString& outcome);

private:
    void showCapture(const QString& path);
    // The format, what a bad record does, and the mapping rules; nullopt with `error` naming the
    // rule that is wrong.
    std::optional<capture::ReaderOptions> readerOptions(QString& error) const;
    void saveLibrary() const;

    EngineController* m_controller;
    CaptureReplayer* m_replayer;
    QAction* m_openAction;
    QListWidget* m_library;
    QComboBox* m_format;
    QComboBox* m_onError;
    QLineEdit* m_campaignFrom;
    QLineEdit* m_userFrom;
    QLabel* m_infoLabel;
    ArrivalTimeline* m_timeline;
    QRadioButton* m_original;
    QRadioButton* m_fixedRate;
    QRadioButton* m_asFast;
    QDoubleSpinBox* m_speed;
    QDoubleSpinBox* m_rate;
    QSpinBox* m_loops;
    QLineEdit* m_campaigns;
    QLineEdit* m_users;
    QLineEdit* m_mapCampaign;
    QDoubleSpinBox* m_fromS;
    QDoubleSpinBox* m_toS;
    QPushButton* m_replayButton;
    QPushButton* m_cancelButton;
    QProgressBar* m_progress;
    QLabel* m_status;
    QString m_shownPath;
    std::optional<capture::CaptureInfo> m_info;
    std::uint64_t m_reads = 0;  // the newest read's number: older answers are dropped
};

}  // namespace stampede::ui
