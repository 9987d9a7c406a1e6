#include "backends/kafka/dead_letter_topic.h"

#include <chrono>
#include <map>

namespace stampede::backends::kafka {

std::optional<std::vector<std::string>> readWholeTopic(const KafkaSettings& settings,
                                                       const std::string& topic, std::string& error,
                                                       bool missingIsEmpty, bool* exists) {
    Config config;
    config.connection(settings)
        .set("group.id", "stampede-dlq-reader")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false");
    rd_kafka_t* rk = config.create(RD_KAFKA_CONSUMER, error);
    if (!rk) return std::nullopt;
    std::optional<std::vector<std::string>> out;
    // All topics' metadata, searched by name: asking for one topic would create it on brokers
    // that create topics on first use.
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &metadata, 5000);
    const rd_kafka_metadata_topic_t* found = nullptr;
    for (int i = 0; metadata && i < metadata->topic_cnt; ++i)
        if (topic == metadata->topics[i].topic) found = &metadata->topics[i];
    if (exists) *exists = found && !found->err;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = "Kafka at " + settings.bootstrap + " did not answer within 5 s (" +
                rd_kafka_err2str(err) + ")";
    } else if (missingIsEmpty &&
               (!found || found->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)) {
        out.emplace();
    } else if (!found || found->err) {
        error = "topic " + topic + ": " +
                rd_kafka_err2str(found ? found->err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    } else {
        // Where each partition ends now: read up to there, not forever.
        std::map<int, std::int64_t> end;
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
        for (int i = 0; i < found->partition_cnt; ++i) {
            const int p = found->partitions[i].id;
            std::int64_t low = 0, high = 0;
            rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 5000);
            if (high > low) {
                end[p] = high;
                rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = low;
            }
        }
        rd_kafka_assign(rk, list);
        rd_kafka_topic_partition_list_destroy(list);
        out.emplace();
        const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!end.empty() && std::chrono::steady_clock::now() < giveUp) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
            if (!m) continue;
            if (!m->err) {
                out->emplace_back(static_cast<const char*>(m->payload), m->len);
                if (auto it = end.find(m->partition);
                    it != end.end() && m->offset + 1 >= it->second)
                    end.erase(it);
            }
            rd_kafka_message_destroy(m);
        }
        if (!end.empty()) {
            error = "topic " + topic + ": not read to its end within 30 s";
            out.reset();
        }
    }
    if (metadata) rd_kafka_metadata_destroy(metadata);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return out;
}

}  // namespace stampede::backends::kafka
