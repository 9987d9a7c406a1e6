-- Stampede store, schema version 1 (SQLite). Statements are separated by ";" at line ends.
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario TEXT NOT NULL,
    config_json TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,              -- running | completed | stopped | interrupted
    started_at TEXT NOT NULL,          -- ISO 8601, UTC
    finished_at TEXT,
    summary_json TEXT,
    rows_written INTEGER NOT NULL DEFAULT 0,
    persistence_lag_ms REAL,
    owner_pid INTEGER
);
CREATE TABLE campaigns (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    policy TEXT NOT NULL,
    stock INTEGER NOT NULL,
    requires_verification INTEGER NOT NULL,
    opens_after_ms INTEGER NOT NULL,
    closes_after_ms INTEGER,
    PRIMARY KEY (run_id, id)
);
CREATE TABLE issued_coupons (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    campaign TEXT NOT NULL,
    user TEXT NOT NULL,
    request_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    issued_at_ns INTEGER NOT NULL,
    UNIQUE (run_id, campaign, user)
);
CREATE TABLE dead_letters (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    request_id INTEGER NOT NULL,
    campaign TEXT NOT NULL,
    user TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    errors_json TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_ns INTEGER NOT NULL,
    dead_lettered_ns INTEGER NOT NULL,
    replay_state TEXT NOT NULL,        -- pending | replayed | purged
    PRIMARY KEY (run_id, request_id)
);
CREATE INDEX dead_letters_state ON dead_letters (replay_state, campaign);
