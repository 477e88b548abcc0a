package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A server with registration switched off in its configuration. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ClosedRegistrationIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(
            ConfigOverride.config("auth.registrationEnabled", "false"));

    @Test
    void registrationCanBeSwitchedOff() {
        Reply reply = new ApiClient(APP.getLocalPort()).post("/api/v1/register",
                Map.of("email", "a@b.co", "organization_name", "X"));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.errorCode()).isEqualTo("FORBIDDEN");
        assertThat(reply.text("/error/message")).isEqualTo("registration is disabled on this server");
    }
}
