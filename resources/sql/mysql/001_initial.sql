-- Stampede store, schema version 1 (MySQL, MariaDB). Statements are separated by ";" at line ends.
CREATE TABLE runs (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    scenario TEXT NOT NULL,
    config_json TEXT NOT NULL,
    seed BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,             -- running | completed | stopped | interrupted
    started_at TEXT NOT NULL,          -- ISO 8601, UTC
    finished_at TEXT,
    summary_json MEDIUMTEXT,
    rows_written BIGINT NOT NULL DEFAULT 0,
    persistence_lag_ms REAL,
    owner_pid INTEGER
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE campaigns (
    run_id BIGINT NOT NULL REFERENCES runs(id),
    id VARCHAR(191) NOT NULL,
    name TEXT NOT NULL,
    policy TEXT NOT NULL,
    stock BIGINT NOT NULL,
    requires_verification INTEGER NOT NULL,
    opens_after_ms BIGINT NOT NULL,
    closes_after_ms BIGINT,
    PRIMARY KEY (run_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE issued_coupons (
    run_id BIGINT NOT NULL REFERENCES runs(id),
    campaign VARCHAR(191) NOT NULL,
    user VARCHAR(191) NOT NULL,
    request_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    issued_at_ns BIGINT NOT NULL,
    UNIQUE (run_id, campaign, user)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE dead_letters (
    run_id BIGINT NOT NULL REFERENCES runs(id),
    request_id BIGINT NOT NULL,
    campaign VARCHAR(191) NOT NULL,
    user VARCHAR(191) NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    errors_json TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_ns BIGINT NOT NULL,
    dead_lettered_ns BIGINT NOT NULL,
    replay_state VARCHAR(16) NOT NULL,       -- pending | replayed | purged
    PRIMARY KEY (run_id, request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX dead_letters_state ON dead_letters (replay_state, campaign);
