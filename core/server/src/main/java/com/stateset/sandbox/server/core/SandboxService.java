package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.CreateSandboxRequest;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.config.PlanConfig;
import com.stateset.sandbox.server.config.TemplateConfig;
import com.stateset.sandbox.server.db.OrganizationDao;
import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.metrics.CreateMetrics;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.model.SandboxStatus;
import com.stateset.sandbox.server.pool.WarmPool;
import com.stateset.sandbox.server.templates.Templates;
import com.stateset.sandbox.spi.Quantities;
import com.stateset.sandbox.spi.runtime.RuntimeSandbox;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import com.stateset.sandbox.spi.runtime.agent.AgentChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandbox lifecycle: the row is written first ({@code creating}), then the runtime acts, then the
 * row records the outcome. Whatever crashes in between, the reconciler finds a labelled container
 * or a {@code creating} row and converges them.
 */
public final class SandboxService {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxService.class);
    static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,255}$");
    private static final int MAX_METADATA_CHARS = 16 * 1024;
    private static final int MAX_ENV_VALUE_CHARS = 32 * 1024;
    /** All of a sandbox's variables together, as stored (the column holds 100,000 characters). */
    private static final int MAX_ENV_CHARS = 64 * 1024;
    private static final int MAX_QUANTITY_CHARS = 20;
    private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() { };
    private static final Pattern SESSION_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");

    private final Jdbi jdbi;
    /** On-demand: each call takes and returns its own handle, so one instance serves every thread. */
    private final SandboxDao dao;
    private final SandboxRuntime runtime;
    private final Templates templates;
    private final LimitsConfig limits;
    private final Clock clock;
    private final String installId;
    private final ObjectMapper mapper;
    private final Events events;
    private final SandboxStates states;
    private final Plans plans;
    private final CreateMetrics metrics;
    private final EgressMeter egress;
    private final WarmPool pool;

    public SandboxService(Jdbi jdbi, SandboxRuntime runtime, Templates templates, LimitsConfig limits, Clock clock,
            String installId, ObjectMapper mapper, Events events, SandboxStates states, Plans plans, CreateMetrics metrics,
            EgressMeter egress, WarmPool pool) {
        this.pool = requireNonNull(pool, "pool is null");
        this.egress = requireNonNull(egress, "egress is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.plans = requireNonNull(plans, "plans is null");
        this.events = requireNonNull(events, "events is null");
        this.states = requireNonNull(states, "states is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.dao = jdbi.onDemand(SandboxDao.class);
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.templates = requireNonNull(templates, "templates is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.installId = requireNonNull(installId, "installId is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    /**
     * What a new sandbox starts with besides its request: environment variables (the request's
     * override them) and files written after it starts and before it is {@code running}.
     */
    public record Seed(Map<String, String> env, java.util.function.Consumer<String> files) {
        public static final Seed NONE = new Seed(Map.of(), id -> { });
    }

    public SandboxView create(Caller caller, CreateSandboxRequest request) {
        return create(caller, request, Seed.NONE);
    }

    public SandboxView create(Caller caller, CreateSandboxRequest request, Seed seed) {
        long receivedAt = System.nanoTime();
        caller.requireOwnOrg(request.orgId());
        TemplateConfig template = templates.resolve(request.template());
        if (request.desktopOs() != null) {
            throw DomainException.validation("desktop_os", "desktop sandboxes are not available on this installation");
        }
        String isolation = isolation("isolation", request.isolation());
        String image = image(request.image(), template);
        String cpus = request.cpus() == null ? template.cpus() : request.cpus();
        if (cpus.length() > MAX_QUANTITY_CHARS) {
            throw DomainException.validation("cpus", "not a CPU quantity such as \"1\", \"0.5\" or \"500m\"");
        }
        long cpuMillis = quantity("cpus", () -> Quantities.cpuMillis(cpus));
        if (cpuMillis > limits.maxCpuMillis()) {
            throw DomainException.validation("cpus", "at most " + limits.maxCpus() + " allowed");
        }
        String memory = request.memory() == null ? template.memory() : request.memory();
        if (memory.length() > MAX_QUANTITY_CHARS) {
            throw DomainException.validation("memory", "not a size such as \"512Mi\" or \"1Gi\"");
        }
        long memoryBytes = quantity("memory", () -> Quantities.bytes(memory));
        if (memoryBytes > limits.maxMemoryBytes()) {
            throw DomainException.validation("memory", "at most " + limits.maxMemory() + " allowed");
        }
        if (memoryBytes < 6L << 20) {
            throw DomainException.validation("memory", "at least 6Mi needed");
        }
        int timeout = request.timeoutSeconds() != null ? request.timeoutSeconds()
                : template.timeoutSeconds() != null ? template.timeoutSeconds() : limits.defaultTimeoutSeconds();
        if (timeout < 1 || timeout > limits.maxTimeoutSeconds()) {
            throw DomainException.validation("timeout_seconds", "must be between 1 and " + limits.maxTimeoutSeconds());
        }
        // The plan's longest lifetime; expires_at in the answer says so.
        long maxLifetime = maxLifetimeSeconds(caller.orgId());
        timeout = (int) Math.min(timeout, maxLifetime);
        Map<String, String> requested = env("env", request.env());
        Map<String, String> env = requested;
        if (!seed.env().isEmpty() || !template.env().isEmpty()) {
            Map<String, String> merged = new TreeMap<>(template.env());
            merged.putAll(seed.env());
            merged.putAll(requested);
            env = env("env", merged);
        }
        String metadata = metadata(request.metadata());
        String sessionId = request.sessionId() == null ? Ids.random(24) : request.sessionId();
        if (!SESSION_ID.matcher(sessionId).matches()) {
            throw DomainException.validation("session_id", "1 to 100 characters of A-Z a-z 0-9 . _ : -");
        }
        boolean network = request.network() == null ? template.network() : request.network();

        long now = clock.millis();
        String id = Ids.newId("sbx");
        SandboxRecord row = new SandboxRecord(id, caller.orgId(), sessionId, SandboxStatus.CREATING.value(),
                template.name(), image, cpus, memory, cpuMillis, memoryBytes, network, json(env), metadata,
                null, null, null, now, null, now + timeout * 1000L, null, null, 0, isolation);
        jdbi.useTransaction(handle -> {
            SandboxDao sandboxes = handle.attach(SandboxDao.class);
            // The organization's row lock orders concurrent creates, so none can pass a limit together.
            PlanConfig plan = plans.of(handle.attach(OrganizationDao.class).lockPlan(caller.orgId())
                    .orElseThrow(() -> DomainException.forbidden("the organization no longer exists")));
            if (plan.concurrentSandboxes() != null && sandboxes.countActive(caller.orgId()) >= plan.concurrentSandboxes()) {
                throw quotaExceeded(ErrorKind.RATE_LIMITED, "concurrent_sandboxes", plan.concurrentSandboxes(),
                        "at most " + plan.concurrentSandboxes() + " sandboxes may run at once on this plan; stop one first");
            }
            if (plan.sandboxesPerMonth() != null
                    && sandboxes.countCreatedSince(caller.orgId(), Plans.periodStart(now)) >= plan.sandboxesPerMonth()) {
                throw quotaExceeded(ErrorKind.QUOTA_EXCEEDED, "sandboxes_per_month", plan.sandboxesPerMonth(),
                        "this plan allows " + plan.sandboxesPerMonth() + " sandboxes a month");
            }
            sandboxes.insert(row);
            events.record(handle, EventTypes.SANDBOX_CREATED, row.orgId(), id,
                    Map.of("template", template.name(), "cpus", cpus, "memory", memory, "isolation", isolation));
        });

        long started = System.nanoTime();
        boolean warm = false;
        try {
            // Pooled sandboxes run the template's image under the runtime's default isolation.
            boolean poolable = image.equals(template.image()) && isolation.equals(runtime.isolations().get(0));
            Optional<RuntimeSandbox> claimed = poolable ? pool.claim(template.name(), cpuMillis, memoryBytes, network, id)
                    : Optional.empty();
            warm = claimed.isPresent();
            // The engine's end is the server's longest lifetime, not the plan's: a plan upgraded
            // later lets extend go further, and the engine's deadline cannot follow.
            RuntimeSandbox running = warm ? claimed.get() : startCold(row, env, Duration.ofSeconds(limits.maxTimeoutSeconds()));
            seed.files().accept(id);
            long startupMs = (System.nanoTime() - started) / 1_000_000;
            boolean marked = jdbi.inTransaction(handle -> {
                if (handle.attach(SandboxDao.class).markRunning(id, running.ipAddress(), clock.millis(), startupMs) == 0) {
                    return false;
                }
                events.record(handle, EventTypes.SANDBOX_READY, row.orgId(), id, Map.of("startupMs", startupMs));
                return true;
            });
            if (!marked) {
                throw DomainException.conflict("sandbox " + id + " changed state while it was being created");
            }
        } catch (RuntimeException e) {
            LOG.warn("creating sandbox {} failed: {}", id, e.getMessage());
            metrics.failed(request, warm);
            removeQuietly(id);
            states.end(row, SandboxStatus.CREATING, SandboxStatus.ERROR, "creation failed: " + e.getMessage());
            throw e;
        }
        metrics.succeeded(request, warm, System.nanoTime() - receivedAt);
        return view(find(caller, id));
    }

    /** Starts a new sandbox, whose engine (where it can) ends it after {@code maxLifetime}, server or not. */
    private RuntimeSandbox startCold(SandboxRecord row, Map<String, String> env, Duration maxLifetime) {
        runtime.create(new SandboxSpec(row.id(), row.image(), row.cpuMillis(), row.memoryBytes(), env, row.network(), Map.of(
                SandboxLabels.SANDBOX_ID, row.id(),
                SandboxLabels.ORG_ID, row.orgId(),
                SandboxLabels.INSTALL_ID, installId), row.isolation(), maxLifetime));
        return runtime.start(row.id());
    }

    public SandboxView get(Caller caller, String id) {
        return view(find(caller, id));
    }

    public SandboxView.Status status(Caller caller, String id) {
        SandboxRecord row = find(caller, id);
        long maxLifetime = maxLifetimeSeconds(row.orgId());
        long maxExpiresAt = row.createdAt() + maxLifetime * 1000;
        long lived = Math.max(0, (row.endedAt() == null ? clock.millis() : row.endedAt()) - row.createdAt()) / 1000;
        return new SandboxView.Status(row.id(), row.id(), row.status(), Times.iso(row.expiresAt()), Times.iso(maxExpiresAt),
                maxLifetime, Math.max(0, (maxExpiresAt - row.expiresAt()) / 1000), lived,
                Math.round(Math.min(100.0, 100.0 * lived / maxLifetime) * 10) / 10.0);
    }

    /**
     * Moves a running sandbox's expiry {@code additionalSeconds} later, as far as its longest
     * lifetime (the plan's, and {@code limits.maxTimeoutSeconds}, from its creation) allows.
     */
    public SandboxView extend(Caller caller, String id, Long additionalSeconds) {
        if (additionalSeconds == null) {
            throw DomainException.validation("additional_seconds", "required");
        }
        if (additionalSeconds < 1 || additionalSeconds > limits.maxTimeoutSeconds()) {
            throw DomainException.validation("additional_seconds", "must be between 1 and " + limits.maxTimeoutSeconds());
        }
        SandboxRecord row = requireRunning(caller, id);
        long maxExpiresAt = row.createdAt() + maxLifetimeSeconds(row.orgId()) * 1000;
        long extended = row.expiresAt() + additionalSeconds * 1000;
        if (extended > maxExpiresAt) {
            long remaining = Math.max(0, (maxExpiresAt - row.expiresAt()) / 1000);
            throw new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR,
                    "additional_seconds: the sandbox may live until "
                    + Times.iso(maxExpiresAt) + " at most, " + remaining + " s after its current expiry",
                    Map.of("field", "additional_seconds", "remaining_extend_seconds", remaining,
                            "max_expires_at", Times.iso(maxExpiresAt)));
        }
        // Conditional on the expiry read above, and on its not having passed: a concurrent extension
        // or the expiry reaper wins cleanly.
        if (dao().extend(id, row.expiresAt(), extended, clock.millis()) == 0) {
            throw DomainException.conflict("sandbox " + id + " expired, or changed while it was being extended");
        }
        return view(find(caller, id));
    }

    /** The longest a sandbox of the organization may live: its plan's limit and the server's. */
    private long maxLifetimeSeconds(String orgId) {
        Integer planLimit = jdbi.withExtension(OrganizationDao.class, organizations -> organizations.plan(orgId))
                .map(plan -> plans.of(plan).maxDurationSeconds()).orElse(null);
        return planLimit == null ? limits.maxTimeoutSeconds() : Math.min(planLimit, limits.maxTimeoutSeconds());
    }

    /** Whether the runtime offers {@code isolation} now. */
    public boolean offers(String isolation) {
        return isolation != null && runtime.isolations().contains(isolation);
    }

    /** The requested isolation, or the runtime's default; 400 naming those offered otherwise. */
    public String isolation(String field, String requested) {
        List<String> offered = runtime.isolations();
        if (requested == null) {
            return offered.get(0);
        }
        if (!offered.contains(requested)) {
            throw DomainException.validation(field, "'" + requested + "' is not offered by this installation, which offers "
                    + offered, offered);
        }
        return requested;
    }

    private String image(String requested, TemplateConfig template) {
        if (requested == null) {
            return template.image();
        }
        if (!templates.images().contains(requested)) {
            throw DomainException.validation("image", "not an image this installation offers", templates.images());
        }
        return requested;
    }

    public SandboxView.Listing list(Caller caller, String status, Integer limit, Integer offset) {
        if (status != null && Arrays.stream(SandboxStatus.values()).noneMatch(s -> s.value().equals(status))) {
            throw DomainException.validation("status", "unknown status '" + status + "'",
                    Arrays.stream(SandboxStatus.values()).map(SandboxStatus::value).toList());
        }
        int pageSize = limit == null ? 100 : limit;
        if (pageSize < 1 || pageSize > 1000) {
            throw DomainException.validation("limit", "must be between 1 and 1000");
        }
        int skip = offset == null ? 0 : offset;
        if (skip < 0) {
            throw DomainException.validation("offset", "must not be negative");
        }
        List<SandboxView> page = dao().list(caller.orgId(), status, pageSize, skip).stream().map(this::view).toList();
        return new SandboxView.Listing(page, dao().count(caller.orgId(), status));
    }

    /** Stops the sandbox and frees what it held; the row stays, {@code terminated}. Idempotent. */
    public void stop(Caller caller, String id) {
        SandboxRecord row = find(caller, id);
        terminate(row, "stopped by request");
    }

    /** Stops the sandbox if needed and hides it: afterwards it answers 404. */
    public void delete(Caller caller, String id) {
        SandboxRecord row = find(caller, id);
        terminate(row, "deleted by request");
        dao().markDeleted(id, clock.millis());
    }

    /** Stops a sandbox whose lifetime is over. */
    public void expire(SandboxRecord row) {
        terminate(row, "expired: timeout_seconds elapsed", EventTypes.SANDBOX_TIMEOUT);
    }

    private void terminate(SandboxRecord row, String reason) {
        terminate(row, reason, null);
    }

    /** {@code event}, when given, is recorded with the move to {@code terminating}: only if this call made it. */
    private void terminate(SandboxRecord row, String reason, String event) {
        switch (row.sandboxStatus()) {
            case CREATING -> throw DomainException.conflict("sandbox " + row.id() + " is still being created");
            case TERMINATED, ERROR, TERMINATING -> {
                // already stopped or being stopped; the reconciler finishes an interrupted stop
            }
            case RUNNING -> {
                boolean moved = jdbi.inTransaction(handle -> {
                    SandboxDao dao = handle.attach(SandboxDao.class);
                    // An expiry holds only while the sandbox is still expired: an extension may have come first.
                    int changed = EventTypes.SANDBOX_TIMEOUT.equals(event) ? dao.expire(row.id(), reason, clock.millis())
                            : dao.transition(row.id(), SandboxStatus.RUNNING.value(), SandboxStatus.TERMINATING.value(), reason);
                    if (changed == 0) {
                        return false;
                    }
                    if (event != null) {
                        events.record(handle, event, row.orgId(), row.id(), Map.of("expiresAt", Times.iso(row.expiresAt())));
                    }
                    return true;
                });
                if (!moved) {
                    return;
                }
                egress.sample(row);
                runtime.remove(row.id());
                states.end(row, SandboxStatus.TERMINATING, SandboxStatus.TERMINATED, reason);
            }
        }
    }

    /** The running sandbox of the caller's organization; 404 or 409 otherwise. */
    public SandboxRecord requireRunning(Caller caller, String id) {
        SandboxRecord row = find(caller, id);
        if (row.sandboxStatus() != SandboxStatus.RUNNING) {
            throw DomainException.conflict("sandbox " + id + " is " + row.status() + ", not running");
        }
        return row;
    }

    /**
     * Records that the runtime lost a sandbox the database thinks is running; one past its expiry was
     * ended by its engine at its longest lifetime, and is stopped as expired.
     */
    public DomainException vanished(SandboxRecord row, SandboxMissingException e) {
        if (row.expiresAt() <= clock.millis()) {
            try {
                expire(row);
            } catch (RuntimeException stopFailed) {
                LOG.warn("stopping expired sandbox {} failed; the expiry check will finish it: {}", row.id(), stopFailed.getMessage());
            }
            return DomainException.conflict("sandbox " + row.id() + " is no longer running: it expired");
        }
        states.end(row, SandboxStatus.RUNNING, SandboxStatus.ERROR, "the sandbox's container vanished");
        return DomainException.conflict("sandbox " + row.id() + " is no longer running: its container vanished");
    }

    /**
     * What to answer when a sandbox's agent channel ended under a call: the sandbox stopping (expired,
     * stopped, or its container gone) is the caller's 409; a channel that ended with the sandbox still
     * running is the runtime's failure, which a retry may cure.
     */
    public RuntimeException channelEnded(SandboxRecord row, AgentChannelException e) {
        Optional<RuntimeSandbox> now;
        try {
            now = runtime.inspect(row.id());
        } catch (RuntimeException inspectFailed) {
            return e;
        }
        if (now.isEmpty()) {
            return vanished(row, new SandboxMissingException(row.id()));
        }
        if (now.get().state() != RuntimeState.RUNNING || row.expiresAt() <= clock.millis()) {
            return DomainException.conflict("sandbox " + row.id() + " stopped during the call");
        }
        return e;
    }

    public SandboxRecord find(Caller caller, String id) {
        return SandboxDao.find(jdbi, caller.orgId(), id)
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.SANDBOX_NOT_FOUND, "sandbox " + id + " not found"));
    }

    Map<String, String> env(String field, Map<String, String> env) {
        if (env == null) {
            return Map.of();
        }
        if (env.size() > limits.maxEnvVars()) {
            throw DomainException.validation(field, "at most " + limits.maxEnvVars() + " variables");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw DomainException.validation(field + "." + e.getKey(), "not a valid variable name");
            }
            if (e.getValue() == null) {
                throw DomainException.validation(field + "." + e.getKey(), "must be a string");
            }
            if (e.getValue().indexOf('\0') >= 0 || e.getValue().length() > MAX_ENV_VALUE_CHARS) {
                throw DomainException.validation(field + "." + e.getKey(), "must be a string of at most "
                        + MAX_ENV_VALUE_CHARS + " characters without NUL");
            }
        }
        Map<String, String> sorted = new TreeMap<>(env);
        if (json(sorted).length() > MAX_ENV_CHARS) {
            throw DomainException.validation(field, "larger than " + MAX_ENV_CHARS + " characters in all");
        }
        return sorted;
    }

    /** The environment the sandbox's commands run with. */
    public Map<String, String> envOf(SandboxRecord row) {
        try {
            return new TreeMap<>(mapper.readValue(row.env(), ENV));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sandbox " + row.id() + " has unreadable stored JSON", e);
        }
    }

    /**
     * Adds variables to a running sandbox's environment for its later commands; with
     * {@code overwrite} false, variables it already has keep their values.
     */
    public void addEnv(SandboxRecord row, Map<String, String> added, boolean overwrite) {
        dao().updateEnv(row.id(), json(env("env", merged(row, added, overwrite))));
    }

    /** Fails (400) if adding {@code added} would take the environment past its limits. */
    public void checkEnvFits(SandboxRecord row, Map<String, String> added) {
        env("env", merged(row, added, true));
    }

    private Map<String, String> merged(SandboxRecord row, Map<String, String> added, boolean overwrite) {
        Map<String, String> env = envOf(row);
        added.forEach((key, value) -> {
            if (overwrite || !env.containsKey(key)) {
                env.put(key, value);
            }
        });
        return env;
    }

    private static DomainException quotaExceeded(ErrorKind kind, String quota, int limit, String message) {
        return new DomainException(kind, ErrorCodes.QUOTA_EXCEEDED, message, Map.of("quota", quota, "limit", limit));
    }

    String metadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return null;
        }
        if (!metadata.isObject()) {
            throw DomainException.validation("metadata", "must be an object");
        }
        String text = json(metadata);
        if (text.length() > MAX_METADATA_CHARS) {
            throw DomainException.validation("metadata", "larger than " + MAX_METADATA_CHARS + " characters");
        }
        return text;
    }

    private SandboxView view(SandboxRecord row) {
        try {
            List<String> envKeys = List.copyOf(envOf(row).keySet());
            JsonNode metadata = row.metadata() == null ? null : mapper.readTree(row.metadata());
            return new SandboxView(row.id(), row.id(), row.orgId(), row.sessionId(), row.status(), row.template(),
                    row.podIp(), Times.iso(row.createdAt()), Times.iso(row.expiresAt()), row.cpus(), row.memory(),
                    envKeys, row.startupMs(), metadata, row.network(), Times.iso(row.startedAt()),
                    Times.iso(row.endedAt()), row.statusReason(), row.isolation(), row.image());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sandbox " + row.id() + " has unreadable stored JSON", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long quantity(String field, java.util.function.LongSupplier parse) {
        try {
            return parse.getAsLong();
        } catch (IllegalArgumentException e) {
            throw DomainException.validation(field, e.getMessage());
        }
    }

    private void removeQuietly(String id) {
        try {
            runtime.remove(id);
        } catch (RuntimeException e) {
            LOG.warn("removing sandbox {} after a failed create failed; the reconciler will retry: {}", id, e.getMessage());
        }
    }

    private SandboxDao dao() {
        return dao;
    }
}
