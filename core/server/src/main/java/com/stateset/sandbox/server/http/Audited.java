package com.stateset.sandbox.server.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts every call of the annotated resource method in the audit log under the given action name,
 * whatever its outcome (see {@link AuditFilter}). Every {@code POST}, {@code PUT} and
 * {@code DELETE} under {@code /api/v1} carries one, and so does the file read.
 *
 * <p>Action names are {@code <noun>.<verb>}, lower case. Those of API.md: {@code sandbox.create},
 * {@code sandbox.stop}, {@code sandbox.delete}, {@code file.write}, {@code file.read},
 * {@code command.execute}, {@code artifact.upload}, {@code artifact.download}, {@code secret.inject},
 * {@code checkpoint.create}, {@code checkpoint.restore}, {@code apikey.create}, {@code apikey.revoke},
 * {@code webhook.create}, {@code webhook.delete}. The other mutating calls, named the same way:
 * {@code checkpoint.clone}, {@code checkpoint.delete}, {@code checkpoint.compare} (a read, but a
 * {@code POST}), {@code artifact.delete}, {@code org.register}; and for the secrets and webhooks
 * tables {@code secret.create}, {@code secret.update}, {@code secret.delete}, {@code webhook.test}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /** The action name, e.g. {@code sandbox.create}. */
    String value();
}
