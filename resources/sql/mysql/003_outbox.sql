-- Stampede store, schema version 3 (MySQL, MariaDB): the HTTP ingress's outbox (verification
-- codes and results), each message with where its delivery stands.
CREATE TABLE outbox (
    run_id BIGINT NOT NULL REFERENCES runs(id),
    message_id BIGINT NOT NULL,        -- 1, 2, ... within the run, in the order written
    recipient VARCHAR(320) NOT NULL,
    kind VARCHAR(32) NOT NULL,         -- verification-code | result
    subject VARCHAR(1000) NOT NULL,
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,     -- since the epoch
    delivery VARCHAR(1000) NOT NULL,   -- outbox | pending | pending: ... | sent | failed: ...
    PRIMARY KEY (run_id, message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
