-- Stampede store, schema version 2 (MySQL, MariaDB): the request event log and batch aggregation.
CREATE TABLE request_events (
    event_id BIGINT PRIMARY KEY AUTO_INCREMENT,
    run_id BIGINT NOT NULL REFERENCES runs(id),
    request_id BIGINT NOT NULL,
    campaign VARCHAR(191) NOT NULL,
    user VARCHAR(191) NOT NULL,
    state VARCHAR(16) NOT NULL,             -- SUCCEEDED | REJECTED | FAILED_FINAL
    reason VARCHAR(16) NOT NULL,            -- SOLD_OUT, ... or empty
    attempts INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    received_ns BIGINT NOT NULL,
    started_ns BIGINT NOT NULL,
    finished_ns BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX request_events_run ON request_events (run_id);
CREATE TABLE campaign_stats (
    run_id BIGINT NOT NULL REFERENCES runs(id),
    campaign VARCHAR(191) NOT NULL,
    bucket_ms INTEGER NOT NULL,        -- 1000 (second) or 60000 (minute)
    bucket_start_ms BIGINT NOT NULL,  -- since the run's start
    arrivals INTEGER NOT NULL,
    issued INTEGER NOT NULL,
    rejected_sold_out INTEGER NOT NULL,
    rejected_duplicate INTEGER NOT NULL,
    rejected_not_verified INTEGER NOT NULL,
    rejected_closed INTEGER NOT NULL,
    rejected_overloaded INTEGER NOT NULL,
    rejected_lottery_lost INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    retries INTEGER NOT NULL,
    e2e_p50_ms REAL NOT NULL,
    e2e_p95_ms REAL NOT NULL,
    e2e_p99_ms REAL NOT NULL,
    e2e_histogram MEDIUMBLOB NOT NULL,       -- merged across chunks, so percentiles stay exact per bucket
    PRIMARY KEY (run_id, campaign, bucket_ms, bucket_start_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE aggregation_checkpoints (
    run_id BIGINT NOT NULL,
    bucket_ms INTEGER NOT NULL,
    last_event BIGINT NOT NULL,       -- rowid of the last request event aggregated
    PRIMARY KEY (run_id, bucket_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
