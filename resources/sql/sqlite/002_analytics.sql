-- Stampede store, schema version 2 (SQLite): the request event log and batch aggregation.
CREATE TABLE request_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    request_id INTEGER NOT NULL,
    campaign TEXT NOT NULL,
    user TEXT NOT NULL,
    state TEXT NOT NULL,               -- SUCCEEDED | REJECTED | FAILED_FINAL
    reason TEXT NOT NULL,              -- SOLD_OUT, ... or empty
    attempts INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    received_ns INTEGER NOT NULL,
    started_ns INTEGER NOT NULL,
    finished_ns INTEGER NOT NULL
);
CREATE INDEX request_events_run ON request_events (run_id);
CREATE TABLE campaign_stats (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    campaign TEXT NOT NULL,
    bucket_ms INTEGER NOT NULL,        -- 1000 (second) or 60000 (minute)
    bucket_start_ms INTEGER NOT NULL,  -- since the run's start
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
    e2e_histogram BLOB NOT NULL,       -- merged across chunks, so percentiles stay exact per bucket
    PRIMARY KEY (run_id, campaign, bucket_ms, bucket_start_ms)
);
CREATE TABLE aggregation_checkpoints (
    run_id INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    last_event INTEGER NOT NULL,       -- rowid of the last request event aggregated
    PRIMARY KEY (run_id, bucket_ms)
);
