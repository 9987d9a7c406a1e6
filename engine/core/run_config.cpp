#include "stampede/core/run_config.h"

#include <array>
#include <utility>

namespace stampede::core {
namespace {

template <typename E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [e, name] : table)
        if (e == value) return name;
    return {};
}

template <typename E, std::size_t N>
std::optional<E> parseIn(const std::array<std::pair<E, std::string_view>, N>& table,
                         std::string_view text) {
    for (const auto& [e, name] : table)
        if (name == text) return e;
    return std::nullopt;
}

constexpr std::array<std::pair<Pipeline, std::string_view>, 3> kPipelines{{
    {Pipeline::Sync, "sync"},
    {Pipeline::DecideAtIngress, "decide-at-ingress"},
    {Pipeline::DecideInWorker, "decide-in-worker"},
}};
constexpr std::array<std::pair<Transport, std::string_view>, 2> kTransports{{
    {Transport::Inproc, "inproc"},
    {Transport::Kafka, "kafka"},
}};
constexpr std::array<std::pair<Backpressure, std::string_view>, 2> kBackpressures{{
    {Backpressure::Block, "block"},
    {Backpressure::Shed, "shed"},
}};
constexpr std::array<std::pair<Pace, std::string_view>, 2> kPaces{{
    {Pace::Realtime, "realtime"},
    {Pace::Asap, "asap"},
}};
constexpr std::array<std::pair<DelayDistribution, std::string_view>, 3> kDistributions{{
    {DelayDistribution::Fixed, "fixed"},
    {DelayDistribution::Uniform, "uniform"},
    {DelayDistribution::Exponential, "exponential"},
}};

}  // namespace

std::string_view toString(Pipeline p) {
    return nameOf(kPipelines, p);
}
std::string_view toString(Transport t) {
    return nameOf(kTransports, t);
}
std::string_view toString(Backpressure b) {
    return nameOf(kBackpressures, b);
}
std::string_view toString(Pace p) {
    return nameOf(kPaces, p);
}
std::string_view toString(DelayDistribution d) {
    return nameOf(kDistributions, d);
}
std::optional<Pipeline> parsePipeline(std::string_view t) {
    return parseIn(kPipelines, t);
}
std::optional<Transport> parseTransport(std::string_view t) {
    return parseIn(kTransports, t);
}
std::optional<Backpressure> parseBackpressure(std::string_view t) {
    return parseIn(kBackpressures, t);
}
std::optional<Pace> parsePace(std::string_view t) {
    return parseIn(kPaces, t);
}
std::optional<DelayDistribution> parseDelayDistribution(std::string_view t) {
    return parseIn(kDistributions, t);
}

}  // namespace stampede::core
