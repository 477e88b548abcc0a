package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.RegisterRequest;
import com.stateset.sandbox.api.RegisterResponse;
import com.stateset.sandbox.server.auth.ApiKeys;
import com.stateset.sandbox.server.db.ApiKeyDao;
import com.stateset.sandbox.server.db.OrganizationDao;
import com.stateset.sandbox.server.db.UserDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.ApiKeyRecord;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.model.Organization;
import com.stateset.sandbox.server.model.User;
import java.text.Normalizer;
import java.time.Clock;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Self-service sign-up: an organization, its owner and a first API key, in one transaction. */
public final class RegistrationService {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

    private final Jdbi jdbi;
    private final Clock clock;
    private final boolean enabled;
    private final String defaultPlan;

    public RegistrationService(Jdbi jdbi, Clock clock, boolean enabled, String defaultPlan) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.enabled = enabled;
        this.defaultPlan = requireNonNull(defaultPlan, "defaultPlan is null");
    }

    public RegisterResponse register(RegisterRequest request) {
        if (!enabled) {
            throw DomainException.forbidden("registration is disabled on this server");
        }
        if (request == null) {
            throw DomainException.validation("email", "required");
        }
        String email = text("email", request.email(), 320, true).toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(email).matches()) {
            throw DomainException.validation("email", "not an email address");
        }
        String orgName = text("organization_name", request.organizationName(), 200, true);
        String firstName = text("first_name", request.firstName(), 100, false);
        String lastName = text("last_name", request.lastName(), 100, false);
        String useCase = text("use_case", request.useCase(), 1000, false);

        long now = clock.millis();
        String key = ApiKeys.generate();
        try {
            return jdbi.inTransaction(handle -> {
                UserDao users = handle.attach(UserDao.class);
                if (users.findByEmail(email).isPresent()) {
                    throw DomainException.conflict("email is already registered");
                }
                OrganizationDao organizations = handle.attach(OrganizationDao.class);
                String slug = slug(orgName);
                if (organizations.slugTaken(slug)) {
                    slug = slug + "-" + Ids.random(6);
                }
                Organization org = new Organization(Ids.newId("org"), orgName, slug, defaultPlan, now);
                organizations.insert(org);
                User user = new User(Ids.newId("user"), org.id(), email, firstName, lastName, "owner", useCase, now);
                users.insert(user);
                ApiKeyRecord record = new ApiKeyRecord(Ids.newId("key"), org.id(), user.id(), "default",
                        ApiKeys.displayPrefix(key), ApiKeys.hash(key), "", now, null, null, null);
                handle.attach(ApiKeyDao.class).insert(record);
                return new RegisterResponse(
                        new RegisterResponse.OrganizationView(org.id(), org.name(), org.slug(), org.plan()),
                        new RegisterResponse.UserView(user.id(), user.email(), user.role()),
                        new RegisterResponse.NewKey(key, record.keyPrefix(), record.name()));
            });
        } catch (UnableToExecuteStatementException e) {
            // Two sign-ups with one email raced past the check; the unique index decided.
            if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                throw DomainException.conflict("email is already registered");
            }
            throw e;
        }
    }

    static String slug(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 60) {
            slug = slug.substring(0, 60).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "org" : slug;
    }

    private static String text(String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw DomainException.validation(field, "required");
            }
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw DomainException.validation(field, "longer than " + max + " characters");
        }
        if (trimmed.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw DomainException.validation(field, "must not contain control characters");
        }
        return trimmed;
    }
}
