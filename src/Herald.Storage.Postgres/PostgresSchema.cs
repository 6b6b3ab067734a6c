namespace Herald.Storage.Postgres;

// Same tables and columns as SQLite. Times are Unix milliseconds (BIGINT), flags INTEGER 0/1, JSON as TEXT.
// Ids and names use COLLATE "C": ids are base62 and sort by creation time only in byte order, whatever the
// database's default collation is.
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE applications (
            id TEXT COLLATE "C" PRIMARY KEY, uid TEXT COLLATE "C" UNIQUE, name TEXT NOT NULL, throttle_rate INTEGER, metadata TEXT NOT NULL,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
        CREATE TABLE event_types (
            name TEXT COLLATE "C" PRIMARY KEY, description TEXT NOT NULL, archived INTEGER NOT NULL, deprecated INTEGER NOT NULL,
            feature_flag TEXT, schemas TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
        CREATE TABLE endpoints (
            id TEXT COLLATE "C" PRIMARY KEY, app_id TEXT COLLATE "C" NOT NULL, uid TEXT COLLATE "C", url TEXT NOT NULL, description TEXT NOT NULL,
            disabled INTEGER NOT NULL, disabled_reason TEXT, event_types TEXT, channels TEXT, throttle_rate INTEGER,
            metadata TEXT NOT NULL, headers TEXT NOT NULL, secret TEXT NOT NULL, retired_secrets TEXT NOT NULL,
            failing_since BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (app_id, uid));
        CREATE INDEX ix_endpoints_app ON endpoints (app_id, id);
        CREATE TABLE messages (
            id TEXT COLLATE "C" PRIMARY KEY, app_id TEXT COLLATE "C" NOT NULL, event_type TEXT COLLATE "C" NOT NULL, event_id TEXT COLLATE "C",
            channels TEXT, payload TEXT, payload_expires_at BIGINT, created_at BIGINT NOT NULL, UNIQUE (app_id, event_id));
        CREATE INDEX ix_messages_app ON messages (app_id, id);
        CREATE TABLE deliveries (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, msg_id TEXT COLLATE "C" NOT NULL, app_id TEXT COLLATE "C" NOT NULL,
            endpoint_id TEXT COLLATE "C" NOT NULL, status INTEGER NOT NULL, attempts INTEGER NOT NULL, trigger_type INTEGER NOT NULL,
            next_attempt_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (msg_id, endpoint_id));
        CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE status IN (1, 3);
        CREATE INDEX ix_deliveries_endpoint ON deliveries (endpoint_id, msg_id);
        CREATE TABLE attempts (
            id TEXT COLLATE "C" PRIMARY KEY, delivery_id BIGINT NOT NULL, msg_id TEXT COLLATE "C" NOT NULL, app_id TEXT COLLATE "C" NOT NULL,
            endpoint_id TEXT COLLATE "C" NOT NULL, url TEXT NOT NULL, status INTEGER NOT NULL, status_code INTEGER NOT NULL, response TEXT NOT NULL,
            duration_ms BIGINT NOT NULL, trigger_type INTEGER NOT NULL, request_headers TEXT, created_at BIGINT NOT NULL);
        CREATE INDEX ix_attempts_msg ON attempts (msg_id, id);
        CREATE INDEX ix_attempts_endpoint ON attempts (endpoint_id, id);
        CREATE TABLE idempotency (key TEXT COLLATE "C" PRIMARY KEY, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL);
        CREATE TABLE settings (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
        """,
        // Claims that skip busy endpoints find the other endpoints with queued work through this index. It orders
        // by next_attempt_at + 0, not next_attempt_at, so that the planner cannot serve a per-endpoint claim from
        // ix_deliveries_due (every endpoint's rows in time order, filtered: as slow as the others' backlog is long).
        """
        CREATE INDEX ix_deliveries_endpoint_due ON deliveries (endpoint_id, (next_attempt_at + 0)) WHERE status IN (1, 3);
        """,
        // Idempotency keys are claimed before the request runs: status_code 0 is in progress, held by token until locked_until.
        """
        ALTER TABLE idempotency ADD COLUMN token TEXT COLLATE "C", ADD COLUMN locked_until BIGINT;
        """,
        // Fenced leases: every claim raises lease_token and records the claiming node in lease_owner, so a restarted
        // node can release what it held. Retention deletes the oldest messages through ix_messages_created.
        """
        ALTER TABLE deliveries ADD COLUMN lease_token BIGINT NOT NULL DEFAULT 0, ADD COLUMN lease_owner TEXT COLLATE "C";
        CREATE INDEX ix_messages_created ON messages (created_at);
        """,
        // Each endpoint's circuit breaker (state 0 closed, 1 open), kept with the endpoint so that every node sees it.
        """
        ALTER TABLE endpoints ADD COLUMN breaker_state INTEGER NOT NULL DEFAULT 0, ADD COLUMN breaker_failures INTEGER NOT NULL DEFAULT 0,
            ADD COLUMN breaker_opened_at BIGINT, ADD COLUMN breaker_probe_at BIGINT, ADD COLUMN breaker_probes INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_endpoints_breaker_open ON endpoints (id) WHERE breaker_state = 1;
        """,
        // Fair claims: each application's queue, first attempts and retries apart, found and read from its front.
        // As with ix_deliveries_endpoint_due the order is next_attempt_at + 0, so that a claim for one application
        // is never planned as a walk through ix_deliveries_due.
        """
        CREATE INDEX ix_deliveries_app_first ON deliveries (app_id, (next_attempt_at + 0)) WHERE status IN (1, 3) AND attempts = 0;
        CREATE INDEX ix_deliveries_app_retry ON deliveries (app_id, (next_attempt_at + 0)) WHERE status IN (1, 3) AND attempts > 0;
        """,
        // The cluster-wide throttle: sends per endpoint and second, shared by every node (unlogged: it is a rate, not a record).
        """
        CREATE UNLOGGED TABLE throttle_budget (endpoint_id TEXT COLLATE "C" NOT NULL, second BIGINT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (endpoint_id, second));
        """,
        // The node that claimed an idempotency key in progress, so that a restarted node frees the keys its requests held.
        """
        ALTER TABLE idempotency ADD COLUMN owner TEXT COLLATE "C";
        CREATE INDEX ix_idempotency_owner ON idempotency (owner) WHERE status_code = 0;
        """,
        // Ordered endpoints (docs/ordering.md), as in SQLite. The counter is raised by an UPDATE of the endpoint's
        // row, whose lock is held until the message's transaction commits: the deliveries of one ordered endpoint are
        // numbered in commit order, so a claim that sees a delivery also sees every earlier one of its key.
        """
        ALTER TABLE endpoints ADD COLUMN ordering INTEGER NOT NULL DEFAULT 0, ADD COLUMN ordering_on_exhaustion INTEGER NOT NULL DEFAULT 0,
            ADD COLUMN ordering_seq BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE deliveries ADD COLUMN ordering_key TEXT COLLATE "C", ADD COLUMN ordering_seq BIGINT, ADD COLUMN ordering_held INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_deliveries_ordered ON deliveries (endpoint_id, ordering_key, ordering_seq)
            WHERE ordering_key IS NOT NULL AND (status IN (1, 3) OR ordering_held = 1);
        CREATE INDEX ix_deliveries_ordered_sending ON deliveries (endpoint_id, ordering_key) WHERE ordering_key IS NOT NULL AND status = 3;
        """,
        // The cluster-wide throttle as one schedule per endpoint (PostgresStore.Throttle.cs) instead of a budget per
        // clock second, which let two adjacent seconds carry twice the rate across their boundary.
        """
        DROP TABLE throttle_budget;
        CREATE UNLOGGED TABLE throttle_pace (endpoint_id TEXT COLLATE "C" PRIMARY KEY, next_turn BIGINT NOT NULL);
        """,
    ];
}
