package com.stateset.sandbox.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * The StateSet Sandbox client. Build one per server and credential and share it between threads:
 *
 * <pre>{@code
 * SandboxClient client = SandboxClient.builder()
 *         .baseUrl("http://127.0.0.1:8080")
 *         .apiKey(System.getenv("SANDBOX_API_KEY"))
 *         .build();
 * SandboxView sandbox = client.sandboxes().create(CreateSandbox.template("python-basic"));
 * ExecuteResponse result = client.sandboxes().execute(sandbox.id(), "python3 -c 'print(6 * 7)'");
 * }</pre>
 *
 * <p>Answers are the api module's records. Errors are {@link SandboxApiException}s (with the status,
 * the code, the field and the request id), {@link SandboxConnectionException}s and
 * {@link SandboxTimeoutException}s. GETs, and POSTs (each sent with an {@code Idempotency-Key} of its
 * own, so that the server does nothing twice), are retried with backoff when the failure is one a
 * retry may cure: no connection, a 5xx, 429 {@code RATE_LIMITED}, 409 {@code IDEMPOTENCY_KEY_IN_USE}.
 */
public final class SandboxClient {

    private final Transport transport;

    private SandboxClient(Transport transport) {
        this.transport = transport;
    }

    /** A builder: {@link Builder#baseUrl} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Sandboxes: create, list, commands, lifetime, metrics. */
    public Sandboxes sandboxes() {
        return new Sandboxes(transport);
    }

    /** Files in a sandbox: JSON, raw bytes, tars, operations, watches. */
    public Files files() {
        return new Files(transport);
    }

    /** Background processes kept by a sandbox's agent. */
    public Processes processes() {
        return new Processes(transport);
    }

    /** Interactive terminals over WebSockets. */
    public Terminals terminals() {
        return new Terminals(transport);
    }

    /** Persistent Python and Node.js interpreters. */
    public Repl repl() {
        return new Repl(transport);
    }

    /** Checkpoints: save, restore, clone, compare. */
    public Checkpoints checkpoints() {
        return new Checkpoints(transport);
    }

    /** Artifacts: files kept in the object store. */
    public Artifacts artifacts() {
        return new Artifacts(transport);
    }

    /** Webhooks and their deliveries. */
    public Webhooks webhooks() {
        return new Webhooks(transport);
    }

    /** The organization: registration, API keys, secrets, templates, audit log, usage and plan. */
    public Organization organization() {
        return new Organization(transport);
    }

    /** The organization's events as they happen. */
    public Events events() {
        return new Events(transport);
    }

    /** The warm pool, the delivery queue, benchmarks and health. */
    public Operations operations() {
        return new Operations(transport);
    }

    /** How a client reaches its server. */
    public static final class Builder {
        private String baseUrl;
        private String token;
        private Duration timeout = Duration.ofSeconds(60);
        private int maxRetries = 3;
        private boolean idempotencyKeys = true;
        private HttpClient httpClient;

        private Builder() {
        }

        /** The server, such as {@code http://127.0.0.1:8080}; {@code /api/v1} is added unless it ends with it. */
        public Builder baseUrl(String url) {
            this.baseUrl = url;
            return this;
        }

        /** An API key ({@code sk-sandbox-...}), sent as {@code Authorization: ApiKey ...}. */
        public Builder apiKey(String key) {
            this.token = key;
            return this;
        }

        /** A JWT, sent as {@code Authorization: Bearer ...}. */
        public Builder bearerToken(String jwt) {
            this.token = jwt;
            return this;
        }

        /** How long each attempt waits for the answer to start (default 60 s); commands wait for their own timeout too. */
        public Builder timeout(Duration wait) {
            this.timeout = Objects.requireNonNull(wait, "timeout");
            return this;
        }

        /** Retries of a call that failed in a way a retry may cure, where that is safe (default 3). */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative");
            }
            this.maxRetries = retries;
            return this;
        }

        /** Whether every POST carries an Idempotency-Key of its own, which makes its retries safe (default true). */
        public Builder idempotencyKeys(boolean send) {
            this.idempotencyKeys = send;
            return this;
        }

        /** The HttpClient to use (a proxy, TLS settings); default a new one that follows no redirects. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        public SandboxClient build() {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new IllegalArgumentException("baseUrl is required, such as http://127.0.0.1:8080");
            }
            String base = baseUrl.replaceAll("/+$", "");
            URI api = URI.create(base.endsWith("/api/v1") ? base : base + "/api/v1");
            HttpClient http = httpClient != null ? httpClient
                    : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
            return new SandboxClient(new Transport(api, token, http, timeout, maxRetries, idempotencyKeys));
        }
    }
}
