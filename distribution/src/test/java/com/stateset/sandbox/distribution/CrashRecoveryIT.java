package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL the server while sandboxes are being created, start it again on the same data: no
 * container is left without a row, no row claims a sandbox that does not exist, and every create
 * that was answered is still there.
 */
class CrashRecoveryIT {

    private static final int CREATES = 8;

    @Test
    void killedDuringCreatesLeavesNoOrphanAndLosesNoRow(@TempDir Path data) throws Exception {
        DistributionIT.requireDocker();
        String key;
        String orgId;
        Set<String> answered = ConcurrentHashMap.newKeySet();
        try (ServerProcess server = ServerProcess.start(data, Map.of()).awaitUp()) {
            Http.Reply registered = Http.post(server.url("/api/v1/register"), null,
                    Map.of("email", "crash@example.com", "organization_name", "Crash Test"));
            key = registered.body().at("/api_key/key").asText();
            orgId = registered.body().at("/organization/id").asText();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CREATES; i++) {
                String apiKey = key;
                clients.add(Thread.ofVirtual().start(() -> {
                    try {
                        Http.Reply reply = Http.post(server.url("/api/v1/sandbox/create"), apiKey, Map.of());
                        if (reply.status() == 200) {
                            answered.add(reply.body().get("id").asText());
                        }
                    } catch (RuntimeException connectionCut) {
                        // the server died under this request
                    }
                }));
            }
            // Kill once some creates have been answered and others are still in flight.
            while (answered.isEmpty()) {
                Thread.sleep(10);
            }
            server.kill();
            for (Thread client : clients) {
                client.join();
            }
        }
        assertThat(answered).isNotEmpty();

        try (ServerProcess server = ServerProcess.start(data, Map.of()).awaitUp()) {
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

            Set<String> containers = containers(orgId);
            Set<String> running = statusById.entrySet().stream().filter(e -> e.getValue().equals("running"))
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            assertThat(containers).as("containers are exactly the running sandboxes").isEqualTo(running);

            for (String id : running) {
                Http.Reply exec = Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key, Map.of("command", "echo ok"));
                assertThat(exec.body().get("stdout").asText()).isEqualTo("ok\n");
                Http.post(server.url("/api/v1/sandbox/" + id + "/stop"), key, Map.of());
            }
            assertThat(containers(orgId)).isEmpty();
        }
    }

    private static Set<String> containers(String orgId) throws Exception {
        Process ps = new ProcessBuilder("docker", "ps", "-a", "--filter", "label=io.stateset.sandbox.org=" + orgId,
                "--format", "{{.Names}}").redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes());
        ps.waitFor();
        return out.lines().filter(l -> !l.isBlank()).collect(Collectors.toSet());
    }
}
