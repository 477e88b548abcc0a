package com.stateset.sandbox.server.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's own description, {@code docs/openapi.yaml} (bundled in the api module's jar), as YAML
 * and as JSON, without a credential: where generators, SDKs and {@code /docs} look for it.
 */
@Path("/api/v1")
public final class ApiDocumentResource {

    private static final String DOCUMENT = "/com/stateset/sandbox/api/openapi.yaml";

    private final byte[] yaml;
    private final byte[] json;

    public ApiDocumentResource() {
        try (InputStream in = ApiDocumentResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is missing from the classpath (the api module's jar)");
            }
            yaml = in.readAllBytes();
            json = new ObjectMapper().writeValueAsBytes(new ObjectMapper(new YAMLFactory()).readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Path("/openapi.yaml")
    @Produces("application/yaml")
    public byte[] yaml() {
        return yaml;
    }

    @GET
    @Path("/openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] json() {
        return json;
    }
}
