package com.stateset.sandbox.spi.runtime;

/** Label keys every runtime attaches to what it creates for a sandbox. */
public final class SandboxLabels {

    public static final String SANDBOX_ID = "io.stateset.sandbox.id";
    public static final String ORG_ID = "io.stateset.sandbox.org";
    public static final String INSTALL_ID = "io.stateset.sandbox.install";

    private SandboxLabels() {
    }
}
