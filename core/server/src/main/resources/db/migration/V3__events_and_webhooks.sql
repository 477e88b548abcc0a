-- The event outbox. An event row and a delivery row for each destination that wants it are written
-- in the transaction of the change the event reports; a worker then delivers, at least once.

CREATE TABLE events (
    id          VARCHAR(64)     PRIMARY KEY,
    org_id      VARCHAR(64)     NOT NULL REFERENCES organizations (id),
    sandbox_id  VARCHAR(64),
    type        VARCHAR(64)     NOT NULL,
    body        VARCHAR(200000) NOT NULL,
    created_at  BIGINT          NOT NULL
);
CREATE INDEX events_org_created ON events (org_id, created_at);

CREATE TABLE webhooks (
    id              VARCHAR(64)    PRIMARY KEY,
    org_id          VARCHAR(64)    NOT NULL REFERENCES organizations (id),
    url             VARCHAR(2048)  NOT NULL,
    events          VARCHAR(2000)  NOT NULL,
    secret          VARCHAR(500)   NOT NULL,
    headers         VARCHAR(20000),
    enabled         BOOLEAN        NOT NULL,
    disabled_reason VARCHAR(500),
    retry_count     INTEGER        NOT NULL,
    retry_delay_ms  BIGINT         NOT NULL,
    timeout_ms      BIGINT         NOT NULL,
    created_at      BIGINT         NOT NULL,
    deleted_at      BIGINT
);
CREATE INDEX webhooks_org ON webhooks (org_id);

-- One row per (event, destination): a webhook of the event's organization, or an operator's sink.
-- status: pending (due at next_attempt_at), delivering (claimed until lease_until), delivered, failed.
CREATE TABLE deliveries (
    id               VARCHAR(64)    PRIMARY KEY,
    event_id         VARCHAR(64)    NOT NULL REFERENCES events (id),
    org_id           VARCHAR(64)    NOT NULL,
    webhook_id       VARCHAR(64),
    sink             VARCHAR(100),
    status           VARCHAR(20)    NOT NULL,
    attempts         INTEGER        NOT NULL,
    next_attempt_at  BIGINT         NOT NULL,
    lease_until      BIGINT,
    last_attempt_at  BIGINT,
    response_status  INTEGER,
    error            VARCHAR(1000),
    created_at       BIGINT         NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, created_at);

-- Every attempt, for the delivery history.
CREATE TABLE delivery_attempts (
    delivery_id      VARCHAR(64)    NOT NULL REFERENCES deliveries (id),
    attempt          INTEGER        NOT NULL,
    attempted_at     BIGINT         NOT NULL,
    duration_ms      BIGINT         NOT NULL,
    response_status  INTEGER,
    error            VARCHAR(1000),
    PRIMARY KEY (delivery_id, attempt)
);
