package com.stateset.sandbox.server.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.SecretRequests;
import com.stateset.sandbox.api.SecretView;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.db.SecretDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.model.SecretRecord;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An organization's secrets: values are encrypted before they are stored and decrypted only to be
 * added to a running sandbox's environment; no answer, message or log line carries one. Both
 * scopes ({@code sandbox}, the default, and {@code org}) make a secret usable by every sandbox of
 * the organization its {@code allowed_sandbox_patterns} match; the scope is kept for clients.
 */
public final class SecretService {

    private static final Logger LOG = LoggerFactory.getLogger(SecretService.class);
    /** Names become environment variable names. */
    private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
    private static final List<String> SCOPES = List.of("sandbox", "org");
    private static final int MAX_VALUE_BYTES = 64 * 1024;
    private static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;
    private static final int MAX_INJECT_NAMES = 1000;
    private static final String UNIQUE_VIOLATION = "23505";
    private static final RowMapper<SecretRecord> SECRET_ROWS = ConstructorMapper.of(SecretRecord.class);

    private final Jdbi jdbi;
    private final SecretCipher cipher;
    private final SandboxService sandboxes;
    private final Clock clock;
    private final ObjectMapper mapper;

    /** {@code cipher} is null when no master key is configured: nothing can be stored then. */
    private SecretService(Jdbi jdbi, SecretCipher cipher, SandboxService sandboxes, Clock clock, ObjectMapper mapper) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.cipher = cipher;
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    /**
     * The service over the stored secrets, with {@code cipher} (null: no master key). A database
     * holding secrets and no key to read them with is a configuration error: the start stops.
     */
    public static SecretService open(Jdbi jdbi, SecretCipher cipher, SandboxService sandboxes, Clock clock,
            ObjectMapper mapper) {
        SecretDao dao = jdbi.onDemand(SecretDao.class);
        long stored = dao.count();
        if (cipher == null && stored > 0) {
            throw new StartupException("the database holds " + stored + " secret(s) but no master key is configured:"
                    + " set SANDBOX_SECRETS_MASTER_KEY (secrets.masterKey) to the key they were stored with");
        }
        if (cipher != null) {
            long foreign = dao.countNotLike(cipher.storedPrefix() + "%");
            if (foreign > 0) {
                LOG.warn("{} secret(s) were stored under another master key than the configured one (key id {});"
                        + " they cannot be injected until that key is configured again", foreign, cipher.keyId());
            }
        }
        return new SecretService(jdbi, cipher, sandboxes, clock, mapper);
    }

    /** By name, in code-point order: the same on every database, whatever its collation. */
    public SecretView.Listing list(Caller caller) {
        long now = clock.millis();
        return new SecretView.Listing(dao().list(caller.orgId()).stream()
                .sorted(Comparator.comparing(SecretRecord::name))
                .map(row -> view(row, now))
                .toList());
    }

    public SecretView.One create(Caller caller, SecretRequests.Create request) {
        SecretCipher cipher = requireCipher();
        if (request == null) {
            throw DomainException.validation("name", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String name = name(request.name());
        String value = value(request.value());
        String scope = scope(request.scope(), "sandbox");
        List<String> patterns = SandboxPatterns.of("allowed_sandbox_patterns", request.allowedSandboxPatterns());
        long now = clock.millis();
        Long expiresAt = expiresAt(request.expiresIn(), null, now);
        if (dao().find(caller.orgId(), name).isPresent()) {
            throw taken(name);
        }
        SecretRecord row = new SecretRecord(Ids.newId("sec"), caller.orgId(), name, scope,
                cipher.encrypt(caller.orgId(), name, value), json(patterns), expiresAt, now, now);
        try {
            dao().insert(row);
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw taken(name); // created meanwhile by a concurrent request
            }
            throw e;
        }
        return new SecretView.One(view(row, now));
    }

    public SecretView.One update(Caller caller, String name, SecretRequests.Update request) {
        SecretCipher cipher = requireCipher();
        if (request == null) {
            throw DomainException.validation("value", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String value = value(request.value());
        SecretRecord old = require(caller, name);
        String scope = scope(request.scope(), old.scope());
        String patterns = request.allowedSandboxPatterns() == null ? old.allowedSandboxPatterns()
                : json(SandboxPatterns.of("allowed_sandbox_patterns", request.allowedSandboxPatterns()));
        long now = clock.millis();
        Long expiresAt = expiresAt(request.expiresIn(), old.expiresAt(), now);
        SecretRecord row = new SecretRecord(old.id(), old.orgId(), old.name(), scope,
                cipher.encrypt(old.orgId(), old.name(), value), patterns, expiresAt, old.createdAt(), now);
        if (dao().update(row) == 0) {
            throw notFound(name); // deleted meanwhile
        }
        return new SecretView.One(view(row, now));
    }

    /** Deletes the secret; sandboxes it was injected into no longer get it. */
    public void delete(Caller caller, String name) {
        boolean deleted = jdbi.inTransaction(handle -> {
            SecretDao secrets = handle.attach(SecretDao.class);
            secrets.revokeGrants(caller.orgId(), name);
            return secrets.delete(caller.orgId(), name) > 0;
        });
        if (!deleted) {
            throw notFound(name);
        }
    }

    /**
     * Adds secrets to a running sandbox's environment for its later commands (existing variables of
     * the same names are replaced). Everything is checked before anything changes: the secrets
     * exist, have not expired, may go into this sandbox, and fit into its environment. Only the
     * names are recorded with the sandbox: each command gets the values as stored at that moment
     * ({@link #environment}), so no plaintext value is written to the sandbox's row or to a
     * checkpoint of its environment.
     */
    public SecretView.Injected inject(Caller caller, String sandboxId, SecretRequests.Inject given) {
        SecretRequests.Inject request = given == null ? new SecretRequests.Inject(null, null, null) : given;
        caller.requireOwnOrg(request.orgId());
        // As API.md has it, all defaults to true: without names, every usable secret is injected.
        List<String> names = request.secrets() == null ? List.of() : request.secrets();
        if (Boolean.TRUE.equals(request.all()) && !names.isEmpty()) {
            throw DomainException.validation("all", "give either secrets or all: true, not both");
        }
        if (request.secrets() != null && names.isEmpty()) {
            throw DomainException.validation("secrets", "must name at least one secret (or leave it out for all)");
        }
        if (Boolean.FALSE.equals(request.all()) && names.isEmpty()) {
            throw DomainException.validation("secrets", "required when all is false");
        }
        boolean all = names.isEmpty();
        if (names.size() > MAX_INJECT_NAMES) {
            throw DomainException.validation("secrets", "at most " + MAX_INJECT_NAMES + " names");
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || !NAME.matcher(names.get(i)).matches()) {
                throw DomainException.validation("secrets[" + i + "]", "not a secret name");
            }
        }
        SandboxRecord sandbox = sandboxes.requireRunning(caller, sandboxId);
        long now = clock.millis();
        List<SecretRecord> chosen = all ? usable(caller, sandboxId, now) : named(caller, sandboxId, names, now);

        if (chosen.isEmpty()) {
            return new SecretView.Injected(List.of());
        }
        SecretCipher cipher = requireCipher();
        Map<String, String> env = new LinkedHashMap<>(environment(sandbox));
        for (SecretRecord row : chosen) {
            env.put(row.name(), decrypt(cipher, row));
        }
        try {
            sandboxes.checkEnvFits(sandbox, env);
        } catch (DomainException e) {
            throw DomainException.validation("secrets", "the sandbox's environment cannot take them: " + e.getMessage());
        }
        jdbi.useTransaction(handle -> {
            SecretDao secrets = handle.attach(SecretDao.class);
            for (SecretRecord row : chosen) {
                secrets.revokeGrant(sandbox.id(), row.name());
                secrets.grant(sandbox.id(), sandbox.orgId(), row.name(), now);
            }
        });
        return new SecretView.Injected(chosen.stream().map(SecretRecord::name).toList());
    }

    /**
     * The injected secrets' values for a command in {@code sandbox}: those still stored, unexpired
     * and allowed for it. Empty without a master key.
     */
    public Map<String, String> environment(SandboxRecord sandbox) {
        if (cipher == null) {
            return Map.of();
        }
        long now = clock.millis();
        Map<String, String> env = new LinkedHashMap<>();
        // A plain handle: this runs before every command, and attaching a SQL object costs more than the query.
        List<SecretRecord> granted = jdbi.withHandle(handle -> handle.createQuery(SecretDao.GRANTED)
                .bind("sandboxId", sandbox.id()).map(SECRET_ROWS).list());
        for (SecretRecord row : granted) {
            if (row.expired(now) || !SandboxPatterns.allow(patterns(row), sandbox.id())) {
                continue;
            }
            // One stored under another master key (the start warned) is left out: the command runs without it.
            readable(cipher, row).ifPresent(value -> env.put(row.name(), value));
        }
        return env;
    }

    /** With {@code all}: the organization's secrets that have not expired and may go into the sandbox. */
    private List<SecretRecord> usable(Caller caller, String sandboxId, long now) {
        return dao().list(caller.orgId()).stream()
                .filter(row -> !row.expired(now) && SandboxPatterns.allow(patterns(row), sandboxId))
                .sorted(Comparator.comparing(SecretRecord::name))
                .toList();
    }

    /** The named secrets, in the order asked; each must exist, be unexpired, and allow the sandbox. */
    private List<SecretRecord> named(Caller caller, String sandboxId, List<String> names, long now) {
        Set<String> distinct = new LinkedHashSet<>(names);
        Map<String, SecretRecord> found = dao().findAll(caller.orgId(), distinct).stream()
                .collect(Collectors.toMap(SecretRecord::name, Function.identity()));
        List<SecretRecord> rows = new ArrayList<>();
        for (String name : distinct) {
            SecretRecord row = found.get(name);
            if (row == null) {
                throw notFound(name);
            }
            if (row.expired(now)) {
                // Named well, but its time is over: the caller must renew it (PUT) first.
                throw DomainException.conflict("secrets[" + names.indexOf(name) + "]", "secret " + name + " expired at "
                        + Times.iso(row.expiresAt()) + "; renew it with PUT /secrets/" + name);
            }
            if (!SandboxPatterns.allow(patterns(row), sandboxId)) {
                throw DomainException.forbidden("secret " + name + " may not be injected into sandbox " + sandboxId
                        + ": its allowed_sandbox_patterns do not match");
            }
            rows.add(row);
        }
        return rows;
    }

    /** The value; 409 if it cannot be decrypted: the operator's to fix (another master key, an altered row). */
    private String decrypt(SecretCipher cipher, SecretRecord row) {
        return readable(cipher, row).orElseThrow(() -> new DomainException(ErrorKind.CONFLICT, ErrorCodes.SECRET_UNREADABLE,
                "secret " + row.name()
                + " cannot be read with this server's master key; set its value again, or the server's operator must"
                + " configure the key it was stored under", Map.of("field", "secrets")));
    }

    private Optional<String> readable(SecretCipher cipher, SecretRecord row) {
        try {
            return Optional.of(cipher.decrypt(row.orgId(), row.name(), row.ciphertext()));
        } catch (SecretCipher.UnreadableSecretException e) {
            LOG.warn("secret {} cannot be decrypted: {}", row.id(), e.getMessage());
            return Optional.empty();
        }
    }

    private SecretCipher requireCipher() {
        if (cipher == null) {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.SECRETS_DISABLED,
                    "secrets need a master key, and this server has none:"
                    + " its operator sets SANDBOX_SECRETS_MASTER_KEY (secrets.masterKey) and restarts it");
        }
        return cipher;
    }

    private SecretRecord require(Caller caller, String name) {
        return dao().find(caller.orgId(), name).orElseThrow(() -> notFound(name));
    }

    private static DomainException notFound(String name) {
        // A path may hold anything; only a well-formed name is repeated back.
        String which = name != null && NAME.matcher(name).matches() ? "secret " + name : "that secret";
        return DomainException.notFound(ErrorCodes.SECRET_NOT_FOUND, which + " not found");
    }

    private static DomainException taken(String name) {
        return DomainException.conflict("a secret named " + name + " exists; PUT /secrets/" + name + " changes its value");
    }

    private static String name(String name) {
        if (name == null || name.isEmpty()) {
            throw DomainException.validation("name", "required");
        }
        if (!NAME.matcher(name).matches()) {
            throw DomainException.validation("name", "1 to 128 of A-Z a-z 0-9 _, not starting with a digit"
                    + " (it becomes an environment variable name)");
        }
        return name;
    }

    private static String value(String value) {
        if (value == null || value.isEmpty()) {
            throw DomainException.validation("value", "required: a string of 1 byte to " + MAX_VALUE_BYTES / 1024 + " KiB");
        }
        if (value.getBytes(UTF_8).length > MAX_VALUE_BYTES) {
            throw DomainException.validation("value", "larger than " + MAX_VALUE_BYTES / 1024 + " KiB (UTF-8)");
        }
        if (value.indexOf('\0') >= 0) {
            throw DomainException.validation("value", "must not contain NUL characters (it becomes an environment variable)");
        }
        return value;
    }

    private static String scope(String scope, String otherwise) {
        if (scope == null) {
            return otherwise;
        }
        if (!SCOPES.contains(scope)) {
            throw DomainException.validation("scope", "must be one of " + SCOPES, SCOPES);
        }
        return scope;
    }

    private static Long expiresAt(Long expiresIn, Long otherwise, long now) {
        if (expiresIn == null) {
            return otherwise;
        }
        if (expiresIn < 1 || expiresIn > MAX_EXPIRES_IN_SECONDS) {
            throw DomainException.validation("expires_in", "must be between 1 and " + MAX_EXPIRES_IN_SECONDS + " seconds");
        }
        return now + expiresIn * 1000;
    }

    private SecretView view(SecretRecord row, long now) {
        return new SecretView(row.id(), row.name(), row.scope(), patterns(row), Times.iso(row.expiresAt()),
                Times.iso(row.createdAt()), Times.iso(row.updatedAt()), row.expired(now));
    }

    private List<String> patterns(SecretRecord row) {
        try {
            return mapper.readValue(row.allowedSandboxPatterns(), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("secret " + row.id() + " has unreadable stored JSON", e);
        }
    }

    private String json(List<String> patterns) {
        try {
            return mapper.writeValueAsString(patterns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private SecretDao dao() {
        return jdbi.onDemand(SecretDao.class);
    }
}
