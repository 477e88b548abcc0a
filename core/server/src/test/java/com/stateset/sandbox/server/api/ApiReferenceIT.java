package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.TestServer;
import com.stateset.sandbox.testing.Infrastructure;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API's description served as YAML and JSON, and the reference page at /docs with its own files, without a credential. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ApiReferenceIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();

    @Test
    void theDocumentIsServedAsItStandsAndAsJson() throws Exception {
        ApiClient api = new ApiClient(APP.getLocalPort());
        String document = Files.readString(Path.of("..", "..", "docs", "openapi.yaml"));
        Reply yaml = api.get("/api/v1/openapi.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
        assertThat(yaml.raw()).isEqualTo(document);
        Reply json = api.get("/api/v1/openapi.json");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body()).isEqualTo(new ObjectMapper(new YAMLFactory()).readTree(document));
    }

    @Test
    void theReferencePageUsesOnlyThisServersFiles() {
        ApiClient api = new ApiClient(APP.getLocalPort());
        Reply page = api.get("/docs");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("default-src 'self'", "script-src 'self'"));
        assertThat(page.raw()).contains("/docs/swagger-ui-bundle.js", "/docs/init.js").doesNotContain("http://", "https://");
        for (String file : new String[] {"swagger-ui-bundle.js", "swagger-ui.css", "init.js", "favicon-32x32.png"}) {
            Reply asset = api.get("/docs/" + file);
            assertThat(asset.status()).as(file).isEqualTo(200);
            assertThat(asset.raw()).as(file).isNotEmpty();
        }
        assertThat(api.get("/docs/init.js").raw()).contains("/api/v1/openapi.json");
        Reply other = api.get("/docs/index.js");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.errorCode()).isEqualTo("NOT_FOUND");
        Reply traversal = api.get("/docs/..%2F..%2Fetc%2Fpasswd");
        assertThat(traversal.status()).as("refused before any file is looked for").isEqualTo(400);
        assertThat(traversal.errorCode()).isNotNull();
    }

    /** In a real browser (Chromium, headless) the page renders every operation, its scripts allowed by its own policy. */
    @Test
    void aBrowserRendersTheReference() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Infrastructure.require(Files.isExecutable(chromium), "Chromium at /usr/bin/chromium (Debian's chromium package)");
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--virtual-time-budget=10000", "--dump-dom", "http://127.0.0.1:" + APP.getLocalPort() + "/docs")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(browser.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(dom).contains("StateSet Sandbox, self-hosted", "Create a sandbox; answers once it accepts commands",
                "Starts a background process in a running sandbox");
    }
}
