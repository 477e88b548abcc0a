package com.stateset.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.RuntimeSandbox;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.RuntimeMisconfiguredException;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRejectedException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import com.stateset.sandbox.testing.Tars;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What goes wrong in a cluster, against fabric8's kubernetes-server-mock with {@link KubeletStandIn}
 * (no real cluster runs here): images that cannot be pulled, pods no node can take, admission
 * refusing a pod (a quota, emulated with an expectation since the mock has no admission), pods
 * deleted or killed behind the controller's back, a restarted controller finding its pods, and a
 * slow link to the node while a file is written.
 */
class KubernetesFailuresIT {

    private static final String NS = KubernetesRuntimeIT.NAMESPACE;
    private static KubeletStandIn node;
    private static SandboxRuntime runtime;
    private final String install = "inst_" + hex();

    @BeforeAll
    static void connect() {
        StandInSupport.requireEngineAndImage(KubernetesRuntimeIT.IMAGE);
        node = new KubeletStandIn();
        runtime = new KubernetesRuntimeFactory().create(StandInSupport.config(node), null);
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

    private SandboxSpec spec(String id, String image) {
        return new SandboxSpec(id, image, 500, 128L << 20, Map.of(), false, Map.of(
                SandboxLabels.SANDBOX_ID, id, SandboxLabels.ORG_ID, "org_failures", SandboxLabels.INSTALL_ID, install));
    }

    @Test
    void anImageThatCannotBePulledFailsTheStartWithTheReasonAndLeavesNoPod() {
        String id = "sbx_" + hex();
        runtime.create(spec(id, "registry.invalid/stateset/missing:1"));
        assertThatThrownBy(() -> runtime.start(id)).isInstanceOf(RuntimeMisconfiguredException.class)
                .hasMessageContaining("ErrImagePull").hasMessageContaining("registry.invalid/stateset/missing:1");
        runtime.remove(id);
        assertThat(node.api().pods().inNamespace(NS).withName(SandboxPods.podName(id)).get()).isNull();
    }

    @Test
    void aPodNoNodeCanTakeFailsTheStartAsUnschedulable() {
        SandboxRuntime picky = new KubernetesRuntimeFactory().create(StandInSupport.config(node)
                .withNodeSelector(Map.of("stateset.io/gpu", "true")), null);
        String id = "sbx_" + hex();
        try {
            picky.create(spec(id, KubernetesRuntimeIT.IMAGE));
            assertThatThrownBy(() -> picky.start(id)).isInstanceOf(RuntimeMisconfiguredException.class)
                    .hasMessageContaining("unschedulable").hasMessageContaining("node affinity/selector");
        } finally {
            picky.remove(id);
            picky.close();
        }
    }

    @Test
    void aFullQuotaIsALackOfRoomWithTheApiServersReasonAndNothingIsCreated() {
        String id = "sbx_" + hex();
        refuseNextPod(403, "Forbidden", "pods \\\"" + SandboxPods.podName(id) + "\\\" is forbidden: exceeded quota: sandbox-quota,"
                + " requested: limits.memory=1408Mi, used: limits.memory=7Gi, limited: limits.memory=8Gi");
        assertThatThrownBy(() -> runtime.create(spec(id, KubernetesRuntimeIT.IMAGE)))
                .isInstanceOf(RuntimeUnavailableException.class)
                .hasMessageContaining("exceeded quota: sandbox-quota");
        assertThat(runtime.inspect(id)).isEmpty();
    }

    @Test
    void aLimitRangeRefusalRejectsTheSandboxWithTheApiServersReasonAndNothingIsCreated() {
        String id = "sbx_" + hex();
        refuseNextPod(403, "Forbidden", "pods \\\"" + SandboxPods.podName(id) + "\\\" is forbidden:"
                + " maximum cpu usage per Container is 250m, but limit is 500m");
        assertThatThrownBy(() -> runtime.create(spec(id, KubernetesRuntimeIT.IMAGE)))
                .isInstanceOfSatisfying(SandboxRejectedException.class, e -> assertThat(e.field()).isEqualTo("cpus"))
                .hasMessageContaining("maximum cpu usage per Container is 250m");
        assertThat(runtime.inspect(id)).isEmpty();
    }

    @Test
    void aControllerWithoutTheRightsIsTheRuntimesMisconfigurationNotTheCallers() {
        String id = "sbx_" + hex();
        refuseNextPod(403, "Forbidden", "pods is forbidden: User \\\"system:serviceaccount:stateset-sandbox:stateset-sandbox\\\""
                + " cannot create resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"" + NS + "\\\"");
        assertThatThrownBy(() -> runtime.create(spec(id, KubernetesRuntimeIT.IMAGE)))
                .isInstanceOf(RuntimeMisconfiguredException.class)
                .hasMessageContaining("HTTP 403").hasMessageContaining("cannot create resource");
        assertThat(runtime.inspect(id)).isEmpty();
    }

    /** Admission, which the mock API server does not have, refusing the next pod. */
    private static void refuseNextPod(int code, String reason, String message) {
        node.server().expect().post().withPath("/api/v1/namespaces/" + NS + "/pods")
                .andReturn(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\""
                        + reason + "\",\"code\":" + code + ",\"message\":\"" + message + "\"}")
                .once();
    }

    @Test
    void aPodDeletedBehindTheControllersBackIsGone() {
        String id = "sbx_" + hex();
        runtime.create(spec(id, KubernetesRuntimeIT.IMAGE));
        try {
            runtime.start(id);
            node.api().pods().inNamespace(NS).withName(SandboxPods.podName(id)).delete();
            assertThat(runtime.inspect(id)).isEmpty();
            assertThat(runtime.list(Map.of(SandboxLabels.INSTALL_ID, install))).isEmpty();
            assertThatThrownBy(() -> runtime.exec(id, new ExecSpec(List.of("true"), Map.of(), null, Duration.ofSeconds(5)),
                    ExecOutput.DISCARD)).isInstanceOf(SandboxMissingException.class);
        } finally {
            runtime.remove(id);
        }
    }

    @Test
    void aPodWhoseContainerDiesIsReportedExitedWithTheReason() {
        String id = "sbx_" + hex();
        runtime.create(spec(id, KubernetesRuntimeIT.IMAGE));
        try {
            runtime.start(id);
            node.killContainer(NS, SandboxPods.podName(id));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                RuntimeSandbox seen = runtime.inspect(id).orElseThrow();
                assertThat(seen.state()).isEqualTo(RuntimeState.EXITED);
                assertThat(seen.detail()).isEqualTo("exited with code 137");
            });
            assertThatThrownBy(() -> runtime.exec(id, new ExecSpec(List.of("true"), Map.of(), null, Duration.ofSeconds(5)),
                    ExecOutput.DISCARD)).isInstanceOf(SandboxRuntimeException.class).hasMessageContaining("not running");
        } finally {
            runtime.remove(id);
        }
    }

    @Test
    void aRestartedControllerFindsItsPodsClaimedOnesIncludedAndCanRemoveThem() {
        String plain = "sbx_" + hex();
        String pooled = "pool_" + hex();
        String claimed = "sbx_" + hex();
        runtime.create(spec(plain, KubernetesRuntimeIT.IMAGE));
        runtime.create(new SandboxSpec(pooled, KubernetesRuntimeIT.IMAGE, 500, 128L << 20, Map.of(), false,
                Map.of(SandboxLabels.INSTALL_ID, install)));
        runtime.start(pooled);
        runtime.rename(pooled, claimed);

        SandboxRuntime restarted = new KubernetesRuntimeFactory().create(StandInSupport.config(node), null);
        try {
            assertThat(restarted.list(Map.of(SandboxLabels.INSTALL_ID, install))).extracting(RuntimeSandbox::sandboxId)
                    .containsExactlyInAnyOrder(plain, claimed);
            assertThat(restarted.inspect(claimed)).isPresent();
            restarted.remove(plain);
            restarted.remove(claimed);
            assertThat(restarted.list(Map.of(SandboxLabels.INSTALL_ID, install))).isEmpty();
            assertThat(node.api().pods().inNamespace(NS).withLabel(SandboxLabels.INSTALL_ID, install).list().getItems()).isEmpty();
        } finally {
            restarted.close();
        }
    }

    @Test
    void aLargeFileCrossesASlowLinkToTheNodeWhole() throws Exception {
        String id = "sbx_" + hex();
        runtime.create(spec(id, KubernetesRuntimeIT.IMAGE));
        byte[] file = new byte[16 << 20];
        ThreadLocalRandom.current().nextBytes(file);
        node.slowStdin(Duration.ofMillis(5));
        try {
            runtime.start(id);
            runtime.writeArchive(id, Tars.files(Map.of("workspace/big.bin", file)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            runtime.exec(id, new ExecSpec(List.of("sha256sum", "/workspace/big.bin"), Map.of(), null, Duration.ofSeconds(30)),
                    new ExecOutput() {
                        @Override
                        public void stdout(byte[] bytes, int offset, int length) {
                            out.write(bytes, offset, length);
                        }

                        @Override
                        public void stderr(byte[] bytes, int offset, int length) {
                        }
                    });
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .startsWith(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
        } finally {
            node.slowStdin(Duration.ZERO);
            runtime.remove(id);
        }
    }

    private static String hex() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
