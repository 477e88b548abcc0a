package com.stateset.sandbox.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.resources.ApiKeyResource;
import com.stateset.sandbox.server.resources.ArtifactResource;
import com.stateset.sandbox.server.resources.AuditResource;
import com.stateset.sandbox.server.resources.BillingResource;
import com.stateset.sandbox.server.resources.CheckpointResource;
import com.stateset.sandbox.server.resources.EventStreamResource;
import com.stateset.sandbox.server.resources.OperationsResource;
import com.stateset.sandbox.server.resources.RegistrationResource;
import com.stateset.sandbox.server.resources.ReplResource;
import com.stateset.sandbox.server.resources.SandboxResource;
import com.stateset.sandbox.server.resources.SecretResource;
import com.stateset.sandbox.server.resources.TemplateResource;
import com.stateset.sandbox.server.resources.UsageResource;
import com.stateset.sandbox.server.resources.WebhookResource;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every mutating operation, the file reads and the benchmark are audited, under a well-formed action name; other reads are not. */
class AuditedOperationsTest {

    @Test
    void mutatingOperationsAndTheFileReadCarryAnActionName() {
        Map<String, String> actions = new TreeMap<>();
        for (Class<?> resource : List.of(RegistrationResource.class, ApiKeyResource.class, SandboxResource.class,
                CheckpointResource.class, ArtifactResource.class, TemplateResource.class, AuditResource.class,
                WebhookResource.class, BillingResource.class, SecretResource.class, UsageResource.class,
                OperationsResource.class, EventStreamResource.class, ReplResource.class)) {
            for (Method method : resource.getDeclaredMethods()) {
                boolean mutating = method.isAnnotationPresent(POST.class) || method.isAnnotationPresent(PUT.class)
                        || method.isAnnotationPresent(DELETE.class);
                if (!mutating && !method.isAnnotationPresent(GET.class)) {
                    continue;
                }
                Audited audited = method.getAnnotation(Audited.class);
                String operation = resource.getSimpleName() + "." + method.getName();
                if (mutating) {
                    assertThat(audited).as(operation).isNotNull();
                }
                if (audited != null) {
                    assertThat(audited.value()).as(operation).matches("[a-z][a-z_]*\\.[a-z][a-z_]*");
                    actions.put(operation, audited.value());
                }
            }
        }
        assertThat(actions).containsEntry("SandboxResource.readFile", "file.read")
                .containsEntry("SandboxResource.create", "sandbox.create")
                .containsEntry("SandboxResource.execute", "command.execute")
                .containsEntry("CheckpointResource.copy", "checkpoint.clone")
                .containsEntry("RegistrationResource.register", "org.register")
                .containsEntry("WebhookResource.create", "webhook.create")
                .containsEntry("SecretResource.inject", "secret.inject")
                .containsEntry("SandboxResource.listFiles", "file.list")
                .containsEntry("SandboxResource.promote", "sandbox.promote")
                .containsEntry("OperationsResource.benchmark", "benchmark.run")
                .containsEntry("ReplResource.execute", "repl.execute")
                .containsEntry("BillingResource.upgrade", "billing.upgrade")
                .hasSize(42);
    }
}
