package com.stateset.sandbox.docker;

import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.testing.SandboxRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The runtime contract against the real Docker engine of this machine. */
class DockerRuntimeIT extends SandboxRuntimeContract {

    static final String IMAGE = System.getProperty("sandbox.test.image", "stateset-sandbox/python-basic:latest");
    static final String WORKSPACE = "32Mi";
    private static SandboxRuntime runtime;

    @BeforeAll
    static void connect() {
        DockerTestSupport.requireEngineAndImage(IMAGE);
        runtime = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withWorkspaceSize(WORKSPACE).withPidsLimit(64), null);
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Override
    protected SandboxRuntime runtime() {
        return runtime;
    }

    @Override
    protected String image() {
        return IMAGE;
    }

    @Override
    protected int sandboxUid() {
        return 1000;
    }

    @Override
    protected long workspaceLimitBytes() {
        return 32L << 20;
    }

    @Override
    protected SandboxRuntime unreachableRuntime() {
        return new DockerRuntimeFactory().create(new DockerRuntimeConfig().withHost("tcp://127.0.0.1:9"), null);
    }
}
