package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.health.HealthResource;
import com.stateset.sandbox.server.resources.ApiDocumentResource;
import com.stateset.sandbox.server.resources.ApiKeyResource;
import com.stateset.sandbox.server.resources.ArtifactResource;
import com.stateset.sandbox.server.resources.AuditResource;
import com.stateset.sandbox.server.resources.BillingResource;
import com.stateset.sandbox.server.resources.CheckpointResource;
import com.stateset.sandbox.server.resources.EventStreamResource;
import com.stateset.sandbox.server.resources.FileStreamResource;
import com.stateset.sandbox.server.resources.OperationsResource;
import com.stateset.sandbox.server.resources.RegistrationResource;
import com.stateset.sandbox.server.resources.ReplResource;
import com.stateset.sandbox.server.resources.SandboxResource;
import com.stateset.sandbox.server.resources.SecretResource;
import com.stateset.sandbox.server.resources.TemplateResource;
import com.stateset.sandbox.server.resources.ProcessResource;
import com.stateset.sandbox.server.resources.TerminalResource;
import com.stateset.sandbox.server.resources.UsageResource;
import com.stateset.sandbox.server.resources.WebhookResource;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml describes exactly the operations the resources serve under /api/v1, and the error codes. */
class OpenApiDocumentTest {

    private static final String BASE = "/api/v1";

    private static JsonNode document() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(java.nio.file.Path.of("..", "..", "docs", "openapi.yaml").toFile());
    }

    @Test
    void everyErrorCodeIsListedAndDocumented() throws Exception {
        List<String> constants = new ArrayList<>();
        for (Field field : ErrorCodes.class.getFields()) {
            if (field.getType() == String.class) {
                constants.add((String) field.get(null));
            }
        }
        assertThat(ErrorCodes.ALL).as("ErrorCodes.ALL lists every code once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(constants);
        List<String> documented = new ArrayList<>();
        document().at("/components/schemas/Error/properties/error/properties/code/examples").forEach(c -> documented.add(c.asText()));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(ErrorCodes.ALL);
    }

    @Test
    void documentAndResourcesAgree() throws Exception {
        JsonNode document = document();
        Set<String> documented = new TreeSet<>();
        Iterator<String> paths = document.get("paths").fieldNames();
        while (paths.hasNext()) {
            String path = paths.next();
            document.get("paths").get(path).fieldNames().forEachRemaining(method -> {
                if (!method.equals("parameters")) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            });
        }
        Set<String> served = new TreeSet<>();
        for (Class<?> resource : List.of(ApiDocumentResource.class, RegistrationResource.class, ApiKeyResource.class, SandboxResource.class,
                CheckpointResource.class, ArtifactResource.class, AuditResource.class, TemplateResource.class, HealthResource.UnderApi.class,
                SecretResource.class, WebhookResource.class, BillingResource.class,
                UsageResource.class, OperationsResource.class, EventStreamResource.class, ReplResource.class, TerminalResource.class, FileStreamResource.class, ProcessResource.class)) {
            String root = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                String verb = method.isAnnotationPresent(GET.class) ? "GET"
                        : method.isAnnotationPresent(POST.class) ? "POST"
                        : method.isAnnotationPresent(PUT.class) ? "PUT"
                        : method.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                String full = (root + (sub == null ? "" : sub.value())).replaceAll("/+", "/").replaceAll("/$", "");
                assertThat(full).startsWith(BASE);
                served.add(verb + " " + full.substring(BASE.length()));
            }
        }
        served.add("GET /sandbox/{id}/terminal/connect"); // the terminal's WebSocket, served by http.TerminalSockets
        assertThat(documented).isEqualTo(served);
    }
}
