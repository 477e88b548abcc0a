package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * The template catalog bundled with the server ({@code images/templates.yaml}): the templates a
 * configuration starts from, and where their images are.
 */
public class CatalogConfig {

    /** Whether the catalog's templates are offered; off, only the configured {@code templates} are. */
    @JsonProperty
    private boolean enabled = true;

    /**
     * The repository the catalog's images are under: a template's image is
     * {@code <imagePrefix>/<name>:latest}, as the image builder tags it. On a cluster, the registry
     * path the images were pushed to.
     */
    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^[a-z0-9][a-z0-9._:/-]{0,199}$", message = "must be an image repository such as stateset-sandbox or registry.example.com/stateset-sandbox")
    private String imagePrefix = "stateset-sandbox";

    public boolean enabled() {
        return enabled;
    }

    public String imagePrefix() {
        return imagePrefix;
    }
}
