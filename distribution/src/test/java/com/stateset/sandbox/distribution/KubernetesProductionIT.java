package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.kubernetes.KubeletStandIn;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production scenarios against fabric8's kubernetes-server-mock with the stand-in node that
 * runs pods on the local Docker engine (no real cluster runs on these machines), plus what only a
 * mock can stage: admission refusing pods, the API server going away and coming back, and pods
 * deleted behind the controller's back.
 */
class KubernetesProductionIT extends ProductionScenarios {

    private static final String NAMESPACE = "stateset-sandboxes";
    private static final String IMAGE = "stateset-sandbox/python-basic:latest";
    private KubeletStandIn node;
    private int apiPort;

    @BeforeEach
    void startNode() {
        DistributionIT.requireDocker();
        apiPort = ServerProcess.freePort();
        node = new KubeletStandIn(apiPort);
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Override
    String namespace() {
        return NAMESPACE;
    }

    @Override
    KubernetesClient cluster() {
        return node.api();
    }

    @Override
    Map<String, String> clusterEnvironment() {
        return Map.of("SANDBOX_KUBERNETES_MASTER_URL", node.url(), "SANDBOX_KUBERNETES_NAMESPACE", NAMESPACE);
    }

    private void refuseNextPod(String message) {
        node.server().expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods")
                .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                        + "\"code\":403,\"message\":\"" + message + "\"}")
                .once();
    }

    @Test
    void admissionRefusalsAnswerWithTheApiServersReasonAndLeaveNothing() throws Exception {
        try (ServerProcess server = start()) {
            String key = register(server);
            refuseNextPod("pods is forbidden: exceeded quota: sandbox-quota, requested: limits.cpu=1, used: limits.cpu=16, limited: limits.cpu=16");
            Http.Reply full = Http.post(server.url("/api/v1/sandbox/create"), key, Map.of("template", "python-basic"));
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.body().at("/error/code").asText()).isEqualTo("RUNTIME_UNAVAILABLE");
            assertThat(full.body().at("/error/message").asText()).contains("exceeded quota: sandbox-quota");

            refuseNextPod("pods is forbidden: maximum memory usage per Container is 256Mi, but limit is 1920Mi");
            Http.Reply tooBig = Http.post(server.url("/api/v1/sandbox/create"), key, Map.of("template", "python-basic"));
            assertThat(tooBig.status()).isEqualTo(400);
            assertThat(tooBig.body().at("/error/code").asText()).isEqualTo("VALIDATION_ERROR");
            assertThat(tooBig.body().at("/error/details/field").asText()).isEqualTo("memory");
            assertThat(tooBig.body().at("/error/message").asText()).contains("maximum memory usage per Container is 256Mi");

            assertThat(node.api().pods().inNamespace(NAMESPACE).list().getItems()).isEmpty();
            assertThat(Http.get(server.url("/api/v1/sandboxes?status=running"), key).body().get("total").asInt()).isZero();
        }
    }

    @Test
    void aWarmPoolOfPodsIsClaimedByACreate() throws Exception {
        try (ServerProcess server = start("-Ddw.warmPool.templates.python-basic=1")) {
            String key = register(server);
            await().atMost(Duration.ofSeconds(60)).until(() -> node.api().pods().inNamespace(NAMESPACE)
                    .withLabel("io.stateset.sandbox.pool", "python-basic").list().getItems().size() == 1);
            String id = create(server, key, "python-basic");
            Pod pod = node.api().pods().inNamespace(NAMESPACE).withLabel("io.stateset.sandbox.runtime-id", id)
                    .list().getItems().get(0);
            assertThat(pod.getMetadata().getName()).as("a pod started ahead, claimed").startsWith("pool-");
            Http.Reply run = Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key, Map.of("command", "echo warm"));
            assertThat(run.body().get("stdout").asText()).isEqualTo("warm\n");
        }
    }

    @Test
    void aPodDeletedBehindTheControllersBackMarksItsSandbox() throws Exception {
        try (ServerProcess server = start()) {
            String key = register(server);
            String id = create(server, key, "python-basic");
            node.api().pods().inNamespace(NAMESPACE).withLabel("io.stateset.sandbox.id", id).delete();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Http.Reply sandbox = Http.get(server.url("/api/v1/sandbox/" + id), key);
                assertThat(sandbox.body().get("status").asText()).isEqualTo("error");
                assertThat(sandbox.body().get("status_reason").asText()).contains("vanished");
            });
        }
    }

    @Test
    void anUnreachableApiServerAnswers503WhileReadsAreServedAndTheControllerRecoversByItself() throws Exception {
        try (ServerProcess server = start()) {
            String key = register(server);
            String id = create(server, key, "python-basic");
            node.close();
            node = null;
            Http.Reply down = Http.post(server.url("/api/v1/sandbox/create"), key, Map.of("template", "python-basic"));
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body().at("/error/code").asText()).isEqualTo("RUNTIME_UNAVAILABLE");
            assertThat(Http.get(server.url("/api/v1/sandbox/" + id), key).status()).as("reads come from the database").isEqualTo(200);
            assertThat(Http.get(server.url("/api/v1/sandboxes"), key).status()).isEqualTo(200);

            node = new KubeletStandIn(apiPort);
            String after = create(server, key, "python-basic");
            Http.Reply run = Http.post(server.url("/api/v1/sandbox/" + after + "/execute"), key, Map.of("command", "echo back"));
            assertThat(run.body().get("stdout").asText()).isEqualTo("back\n");
        }
    }

    @Test
    void aControllerKilledMidCreateLeavesNoOrphanPodAfterItsRestart() throws Exception {
        Set<String> answered;
        String key;
        try (ServerProcess server = start()) {
            key = register(server);
            answered = server.killDuringCreates(key, Map.of("template", "python-basic"), 6);
        }
        try (ServerProcess server = start()) {
            String apiKey = key;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Http.Reply running = Http.get(server.url("/api/v1/sandboxes?status=running&limit=100"), apiKey);
                List<String> runningIds = new ArrayList<>();
                running.body().get("sandboxes").forEach(s -> runningIds.add(s.get("id").asText()));
                assertThat(runningIds).as("every answered create survives").containsAll(answered);
                List<Pod> pods = node.api().pods().inNamespace(NAMESPACE).list().getItems();
                assertThat(pods).extracting(p -> p.getMetadata().getLabels().get("io.stateset.sandbox.id"))
                        .as("a pod for each running sandbox and no other").containsExactlyInAnyOrderElementsOf(runningIds);
                assertThat(Http.get(server.url("/api/v1/sandboxes?status=creating"), apiKey).body().get("total").asInt()).isZero();
            });
        }
    }
}
