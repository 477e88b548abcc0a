package com.stateset.sandbox.kubernetes;

import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.testing.SandboxRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The runtime contract, the same suite the Docker runtime passes, against fabric8's
 * kubernetes-server-mock (no real cluster runs on these machines) with {@link KubeletStandIn}
 * running the pods on the local Docker engine: every call goes through the Kubernetes API and the
 * exec websocket exactly as it would against a cluster.
 */
class KubernetesRuntimeIT extends SandboxRuntimeContract {

    static final String IMAGE = System.getProperty("sandbox.test.image", "stateset-sandbox/python-basic:latest");
    static final String NAMESPACE = "sandboxes";
    private static KubeletStandIn node;
    private static SandboxRuntime runtime;

    @BeforeAll
    static void connect() {
        StandInSupport.requireEngineAndImage(IMAGE);
        node = new KubeletStandIn();
        runtime = new KubernetesRuntimeFactory().create(StandInSupport.config(node).withWorkspaceSize("32Mi"), null);
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** The agent is not placed in pods yet: commands go through the exec subresource. */
    @Override
    protected boolean keepsProcesses() {
        return false;
    }

    /** The agent is not placed in pods yet. */
    @Override
    protected boolean watchesFiles() {
        return false;
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
        return new KubernetesRuntimeFactory().create(new KubernetesRuntimeConfig().withMasterUrl("http://127.0.0.1:9")
                .withNamespace(NAMESPACE), null);
    }
}
