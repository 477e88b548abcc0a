package com.stateset.sandbox.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.CreateSandboxRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a new sandbox is: {@code CreateSandbox.template("python-basic").memory("1Gi").env("MODE", "demo")}. */
public final class CreateSandbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String template;
    private String cpus;
    private String memory;
    private Integer timeoutSeconds;
    private final Map<String, String> env = new LinkedHashMap<>();
    private JsonNode metadata;
    private String checkpointId;
    private String sessionId;
    private Boolean network;
    private String isolation;
    private String image;

    private CreateSandbox(String template) {
        this.template = template;
    }

    /** A sandbox of this template. */
    public static CreateSandbox template(String template) {
        return new CreateSandbox(template);
    }

    /** A sandbox of the server's default template. */
    public static CreateSandbox defaults() {
        return new CreateSandbox(null);
    }

    /** CPUs, such as {@code "1"}, {@code "0.5"} or {@code "500m"}. */
    public CreateSandbox cpus(String cpus) {
        this.cpus = cpus;
        return this;
    }

    /** Memory, such as {@code "512Mi"} or {@code "1Gi"}. */
    public CreateSandbox memory(String memory) {
        this.memory = memory;
        return this;
    }

    /** Its lifetime; it stops by itself after it. */
    public CreateSandbox timeout(Duration lifetime) {
        this.timeoutSeconds = Math.toIntExact(lifetime.toSeconds());
        return this;
    }

    /** An environment variable of its every command (values are never shown again). */
    public CreateSandbox env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public CreateSandbox env(Map<String, String> variables) {
        env.putAll(variables);
        return this;
    }

    /** The caller's own facts about it, kept and shown with it. */
    public CreateSandbox metadata(Map<String, ?> facts) {
        this.metadata = JSON.valueToTree(facts);
        return this;
    }

    /** Start holding this checkpoint's workspace. */
    public CreateSandbox fromCheckpoint(String checkpointId) {
        this.checkpointId = checkpointId;
        return this;
    }

    public CreateSandbox sessionId(String sessionId) {
        this.sessionId = sessionId;
        return this;
    }

    /** Network access, instead of the template's. */
    public CreateSandbox network(boolean network) {
        this.network = network;
        return this;
    }

    /** {@code container} or {@code gvisor}, where the installation offers it. */
    public CreateSandbox isolation(String isolation) {
        this.isolation = isolation;
        return this;
    }

    /** Another allowed image than the template's. */
    public CreateSandbox image(String image) {
        this.image = image;
        return this;
    }

    /** The request as the API takes it. */
    public CreateSandboxRequest request() {
        return new CreateSandboxRequest(template, cpus, memory, timeoutSeconds, env.isEmpty() ? null : Map.copyOf(env), metadata,
                checkpointId, null, sessionId, network, isolation, image, null);
    }
}
