package com.stateset.sandbox.server.auth;

import java.util.Set;

/** The scopes a credential can carry. A credential without scopes has all of them. */
public final class Scopes {

    public static final String SANDBOX_READ = "sandbox:read";
    public static final String SANDBOX_WRITE = "sandbox:write";
    /** Everything, including managing API keys. */
    public static final String ADMIN = "admin";

    public static final Set<String> ALL = Set.of(SANDBOX_READ, SANDBOX_WRITE, ADMIN);

    private Scopes() {
    }
}
