#pragma once
// What a run tells the processes that work for it or replay it later: its guard and the key of
// its shared stock, its campaigns and its retry rules. Written once by the run (on the control
// topic, and as the "origin" of every dead-letter entry) and read by remote workers and topic
// replays, all through this one struct, so the defaults live in one place.

#include <QJsonObject>

#include <cstdint>
#include <string>
#include <vector>

#include "guards/decider.h"

namespace stampede::transport {

struct RunAnnouncement {
    struct Campaign {
        std::string id;
        std::int64_t stock = 0;
    };
    std::string scenario;
    std::string guard;
    std::string sharedKey;  // the run's stock in the guard's backend; empty: in-process
    std::vector<Campaign> campaigns;
    int maxAttempts = 3;
    double retryBackoffMs = 2, retryBackoffMaxMs = 200;

    guards::RetryPolicy retryPolicy() const {
        return {maxAttempts, retryBackoffMs, retryBackoffMaxMs};
    }
    QJsonObject toJson() const;
    // Missing fields keep their defaults; max_attempts is at least 1.
    static RunAnnouncement fromJson(const QJsonObject& json);
};

}  // namespace stampede::transport
