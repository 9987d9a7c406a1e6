-- Stampede store, schema version 3 (SQLite): the HTTP ingress's outbox (verification codes and
-- results), each message with where its delivery stands.
CREATE TABLE outbox (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    message_id INTEGER NOT NULL,       -- 1, 2, ... within the run, in the order written
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,                -- verification-code | result
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,    -- since the epoch
    delivery TEXT NOT NULL,            -- outbox | pending | pending: ... | sent | failed: ...
    PRIMARY KEY (run_id, message_id)
);
