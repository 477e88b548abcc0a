package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import com.stateset.sandbox.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL the server mid-work, start it again on the same data. During creates: no container is
 * left without a row, no row claims a sandbox that does not exist, and every create that was
 * answered is still there. During a webhook delivery: the event goes out again.
 */
class CrashRecoveryIT {

    private static final int CREATES = 8;

    @Test
    void killedDuringCreatesLeavesNoOrphanAndLosesNoRow(@TempDir Path data) throws Exception {
        DistributionIT.requireDocker();
        String key;
        Set<String> answered;
        // A plan without limits, so that every create is in flight when the server dies.
        String unlimited = "-Ddw.auth.defaultPlan=enterprise";
        try (ServerProcess server = ServerProcess.start(data, Map.of(), unlimited).awaitUp()) {
            Http.Reply registered = Http.post(server.url("/api/v1/register"), null,
                    Map.of("email", "crash@example.com", "organization_name", "Crash Test"));
            key = registered.body().at("/api_key/key").asText();
            answered = server.killDuringCreates(key, Map.of(), CREATES);
        }
        assertThat(answered).isNotEmpty();
        // Sandboxes claimed from the warm pool keep the labels they were made with (Docker cannot
        // relabel a container): the installation's, not the organization's.
        String install = label(answered.iterator().next(), "io.stateset.sandbox.install");
        Set<String> pooledBeforeRestart = containers(install).stream().filter(name -> name.startsWith("pool_"))
                .collect(Collectors.toSet());

        try (ServerProcess server = ServerProcess.start(data, Map.of(), unlimited).awaitUp()) {
            JsonNode listing = Http.get(server.url("/api/v1/sandboxes?limit=100"), key).body();
            Map<String, String> statusById = new java.util.HashMap<>();
            for (JsonNode sandbox : listing.get("sandboxes")) {
                statusById.put(sandbox.get("id").asText(), sandbox.get("status").asText());
            }
            assertThat(statusById.keySet()).as("every answered create is still there").containsAll(answered);
            for (String id : answered) {
                assertThat(statusById.get(id)).as(id).isEqualTo("running");
            }
            assertThat(statusById.values()).as("nothing is left half-made").allMatch(s -> s.equals("running") || s.equals("error"));

            Set<String> containers = containers(install).stream().filter(name -> !name.startsWith("pool_"))
                    .collect(Collectors.toSet());
            assertThat(containers(install)).as("the killed server's pooled sandboxes are removed")
                    .doesNotContainAnyElementsOf(pooledBeforeRestart);
            Set<String> running = statusById.entrySet().stream().filter(e -> e.getValue().equals("running"))
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            assertThat(containers).as("containers are exactly the running sandboxes").isEqualTo(running);

            for (String id : running) {
                Http.Reply exec = Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key, Map.of("command", "echo ok"));
                assertThat(exec.body().get("stdout").asText()).isEqualTo("ok\n");
                Http.post(server.url("/api/v1/sandbox/" + id + "/stop"), key, Map.of());
            }
            assertThat(containers(install)).allMatch(name -> name.startsWith("pool_"));
        }
    }

    /**
     * SIGKILL the server while it waits for a webhook receiver's answer: after a restart the same
     * event is delivered again, with the same webhook-id, and then recorded as delivered.
     */
    @Test
    void killedMidDeliveryDeliversAgainAfterRestart(@TempDir Path data) throws Exception {
        DistributionIT.requireDocker();
        String[] receivers = {"-Ddw.webhooks.allowPrivateTargets=true", "-Ddw.webhooks.requireHttps=false"};
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.reply(new WebhookReceiver.Reply(200, Map.of(), java.time.Duration.ofMinutes(5)));
            String key;
            String webhookId;
            try (ServerProcess server = ServerProcess.start(data, Map.of(), receivers).awaitUp()) {
                key = Http.post(server.url("/api/v1/register"), null,
                        Map.of("email", "outbox@example.com", "organization_name", "Outbox Test")).body().at("/api_key/key").asText();
                webhookId = Http.post(server.url("/api/v1/webhooks"), key, Map.of("url", receiver.url("/hook"),
                        "events", List.of("sandbox.created"), "timeout_ms", 2000)).body().get("id").asText();
                Http.post(server.url("/api/v1/sandbox/create"), key, Map.of());
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> receiver.received("/hook").size() == 1);
                server.kill();
            }
            String firstId = receiver.received("/hook").get(0).header("webhook-id");
            try (ServerProcess server = ServerProcess.start(data, Map.of(), receivers).awaitUp()) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> receiver.received("/hook").size() >= 2);
                assertThat(receiver.received("/hook").get(1).header("webhook-id")).isEqualTo(firstId);
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                        Http.get(server.url("/api/v1/webhooks/" + webhookId + "/deliveries"), key).body()
                                .at("/deliveries/0/status").asText().equals("delivered"));
                JsonNode sandboxes = Http.get(server.url("/api/v1/sandboxes"), key).body().get("sandboxes");
                for (JsonNode sandbox : sandboxes) {
                    Http.post(server.url("/api/v1/sandbox/" + sandbox.get("id").asText() + "/stop"), key, Map.of());
                }
            }
        }
    }

    /** Every container of the installation: its sandboxes and its pooled ones. */
    private static Set<String> containers(String installId) throws Exception {
        return docker("ps", "-a", "--filter", "label=io.stateset.sandbox.install=" + installId, "--format", "{{.Names}}")
                .lines().filter(l -> !l.isBlank()).collect(Collectors.toSet());
    }

    private static String label(String container, String label) throws Exception {
        return docker("inspect", "-f", "{{ index .Config.Labels \"" + label + "\" }}", container).strip();
    }

    private static String docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }
}
