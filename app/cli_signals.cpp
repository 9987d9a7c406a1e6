#include "cli_signals.h"

#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace stampede::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signals{0};

void onStopSignal(int) {
    if (g_signals.fetch_add(1) >= 1) _exit(130);  // the second: at once (async-signal-safe)
    g_stop.store(true);
}

// The last resort behind the first signal: librdkafka's teardown may wait on a cluster that is
// gone in ways no timeout of ours reaches.
void watchTheStop() {
    while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(4800));
    static const char message[] = "stampede-cli: did not stop within 5 s of the signal; exiting\n";
    [[maybe_unused]] const auto written = ::write(2, message, sizeof message - 1);
    _exit(1);
}

}  // namespace

void catchStopSignals() {
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    static std::once_flag watching;
    std::call_once(watching, [] { std::thread(watchTheStop).detach(); });
}

const std::atomic<bool>& stopSignalled() {
    return g_stop;
}

}  // namespace stampede::cli
