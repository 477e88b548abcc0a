package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.RegisterRequest;
import com.stateset.sandbox.api.RegisterResponse;
import com.stateset.sandbox.server.core.RegistrationService;
import com.stateset.sandbox.server.http.Audited;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /api/v1/register}: needs no credential (and can be turned off). */
@Path("/api/v1/register")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class RegistrationResource {

    private final RegistrationService registrations;

    public RegistrationResource(RegistrationService registrations) {
        this.registrations = requireNonNull(registrations, "registrations is null");
    }

    @POST
    @Audited("org.register")
    public RegisterResponse register(RegisterRequest request) {
        return registrations.register(request);
    }
}
