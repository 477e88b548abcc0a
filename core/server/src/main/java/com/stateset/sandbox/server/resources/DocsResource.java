package com.stateset.sandbox.server.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The API reference at {@code /docs}: Swagger UI (its files from the webjar in this server's
 * classpath, so no CDN) rendering {@code /api/v1/openapi.json}. Only the files named here are
 * served; the page allows scripts and styles from this server alone.
 */
@Path("/docs")
public final class DocsResource {

    private static final String OURS = "/com/stateset/sandbox/server/docs/";
    /** Served name to media type; index.html and init.js are ours, the rest Swagger UI's. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "init.js", "text/javascript; charset=utf-8",
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png");
    private static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final String swaggerUi;

    public DocsResource() {
        Properties maven = new Properties();
        try (InputStream in = DocsResource.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("Swagger UI's webjar is missing from the classpath");
            }
            maven.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.swaggerUi = "/META-INF/resources/webjars/swagger-ui/" + maven.getProperty("version") + "/";
    }

    @GET
    public Response page() {
        return file("index.html");
    }

    @GET
    @Path("/{file}")
    public Response file(@PathParam("file") String name) {
        String type = FILES.get(name);
        if (type == null) {
            throw new NotFoundException();
        }
        String resource = (name.equals("index.html") || name.equals("init.js") ? OURS : swaggerUi) + name;
        try (InputStream in = DocsResource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new NotFoundException();
            }
            return Response.ok(in.readAllBytes(), type)
                    .header("Content-Security-Policy", POLICY)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Cache-Control", name.endsWith(".html") ? "no-cache" : "public, max-age=3600")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
