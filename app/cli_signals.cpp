#include "cli_signals.h"

#include <csignal>

#include <unistd.h>

namespace stampede::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signals{0};

void onStopSignal(int) {
    if (g_signals.fetch_add(1) >= 1) _exit(130);  // the second: at once (async-signal-safe)
    g_stop.store(true);
}

}  // namespace

void catchStopSignals() {
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& stopSignalled() {
    return g_stop;
}

}  // namespace stampede::cli
