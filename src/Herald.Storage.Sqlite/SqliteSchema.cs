namespace Herald.Storage.Sqlite;

internal static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE applications (
            id TEXT PRIMARY KEY, uid TEXT UNIQUE, name TEXT NOT NULL, throttle_rate INTEGER, metadata TEXT NOT NULL,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE event_types (
            name TEXT PRIMARY KEY, description TEXT NOT NULL, archived INTEGER NOT NULL, deprecated INTEGER NOT NULL,
            feature_flag TEXT, schemas TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE endpoints (
            id TEXT PRIMARY KEY, app_id TEXT NOT NULL, uid TEXT, url TEXT NOT NULL, description TEXT NOT NULL,
            disabled INTEGER NOT NULL, disabled_reason TEXT, event_types TEXT, channels TEXT, throttle_rate INTEGER,
            metadata TEXT NOT NULL, headers TEXT NOT NULL, secret TEXT NOT NULL, retired_secrets TEXT NOT NULL,
            failing_since INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (app_id, uid));
        CREATE INDEX ix_endpoints_app ON endpoints (app_id, id);
        CREATE TABLE messages (
            id TEXT PRIMARY KEY, app_id TEXT NOT NULL, event_type TEXT NOT NULL, event_id TEXT, channels TEXT, payload TEXT,
            payload_expires_at INTEGER, created_at INTEGER NOT NULL, UNIQUE (app_id, event_id));
        CREATE INDEX ix_messages_app ON messages (app_id, id);
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY, msg_id TEXT NOT NULL, app_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, status INTEGER NOT NULL,
            attempts INTEGER NOT NULL, trigger_type INTEGER NOT NULL, next_attempt_at INTEGER, created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL, UNIQUE (msg_id, endpoint_id));
        CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE status IN (1, 3);
        CREATE INDEX ix_deliveries_endpoint ON deliveries (endpoint_id, msg_id);
        CREATE TABLE attempts (
            id TEXT PRIMARY KEY, delivery_id INTEGER NOT NULL, msg_id TEXT NOT NULL, app_id TEXT NOT NULL, endpoint_id TEXT NOT NULL,
            url TEXT NOT NULL, status INTEGER NOT NULL, status_code INTEGER NOT NULL, response TEXT NOT NULL, duration_ms INTEGER NOT NULL,
            trigger_type INTEGER NOT NULL, request_headers TEXT, created_at INTEGER NOT NULL);
        CREATE INDEX ix_attempts_msg ON attempts (msg_id, id);
        CREATE INDEX ix_attempts_endpoint ON attempts (endpoint_id, id);
        CREATE TABLE idempotency (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
        // Claims that skip busy endpoints find the other endpoints with queued work through this index.
        """
        CREATE INDEX ix_deliveries_endpoint_due ON deliveries (endpoint_id, next_attempt_at) WHERE status IN (1, 3);
        """,
        // Idempotency keys are claimed before the request runs: status_code 0 is in progress, held by token until locked_until.
        """
        ALTER TABLE idempotency ADD COLUMN token TEXT;
        ALTER TABLE idempotency ADD COLUMN locked_until INTEGER;
        """,
        // Fenced leases: every claim raises lease_token; lease_owner names the claiming node (PostgreSQL only; one
        // process owns an SQLite file). Retention deletes the oldest messages through ix_messages_created.
        """
        ALTER TABLE deliveries ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
        CREATE INDEX ix_messages_created ON messages (created_at);
        """,
        // Each endpoint's circuit breaker (state 0 closed, 1 open), kept with the endpoint so that every node sees it.
        """
        ALTER TABLE endpoints ADD COLUMN breaker_state INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE endpoints ADD COLUMN breaker_failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE endpoints ADD COLUMN breaker_opened_at INTEGER;
        ALTER TABLE endpoints ADD COLUMN breaker_probe_at INTEGER;
        ALTER TABLE endpoints ADD COLUMN breaker_probes INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_endpoints_breaker_open ON endpoints (id) WHERE breaker_state = 1;
        """,
        // Fair claims: each application's queue, first attempts and retries apart, found and read from its front.
        """
        CREATE INDEX ix_deliveries_app_first ON deliveries (app_id, next_attempt_at) WHERE status IN (1, 3) AND attempts = 0;
        CREATE INDEX ix_deliveries_app_retry ON deliveries (app_id, next_attempt_at) WHERE status IN (1, 3) AND attempts > 0;
        """,
        // The node that claimed an idempotency key in progress (one node here, which frees them all when it starts).
        """
        ALTER TABLE idempotency ADD COLUMN owner TEXT;
        """,
        // Ordered endpoints (docs/ordering.md): the endpoint's mode (0 none, 1 endpoint, 2 channel, 3 key), what a
        // sequence does after its head's last retry (0 skip, 1 hold) and the counter that numbers its deliveries in
        // acceptance order. A delivery to an ordered endpoint carries its key and number; ordering_held marks a failed
        // head that holds its key. The partial index holds every unfinished ordered delivery: the claim's
        // predecessor check and the promotion of the next one read it, and unordered deliveries never enter it; the
        // second holds the ordered deliveries out now, for the check that no other one of the key is being sent.
        """
        ALTER TABLE endpoints ADD COLUMN ordering INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE endpoints ADD COLUMN ordering_on_exhaustion INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE endpoints ADD COLUMN ordering_seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE deliveries ADD COLUMN ordering_key TEXT;
        ALTER TABLE deliveries ADD COLUMN ordering_seq INTEGER;
        ALTER TABLE deliveries ADD COLUMN ordering_held INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_deliveries_ordered ON deliveries (endpoint_id, ordering_key, ordering_seq)
            WHERE ordering_key IS NOT NULL AND (status IN (1, 3) OR ordering_held = 1);
        CREATE INDEX ix_deliveries_ordered_sending ON deliveries (endpoint_id, ordering_key) WHERE ordering_key IS NOT NULL AND status = 3;
        """,
    ];
}
