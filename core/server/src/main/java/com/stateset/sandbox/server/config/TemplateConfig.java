package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.spi.Quantities;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/** One template: an image and the defaults of sandboxes created from it. */
public class TemplateConfig {

    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^[a-z0-9][a-z0-9-]{0,62}$")
    private String name;

    @JsonProperty
    @NotNull
    private String description = "";

    /** What kind of template it is, for listing by category ({@code language}, {@code data-science}, ...). */
    @JsonProperty
    @NotNull
    @Pattern(regexp = "^[a-z0-9][a-z0-9-]{0,62}$")
    private String category = "general";

    @JsonProperty
    @NotNull
    private List<@NotBlank String> tags = List.of();

    @JsonProperty
    @NotBlank
    private String image;

    @JsonProperty
    @NotNull
    private List<String> preinstalled = List.of();

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.CPU_PATTERN, message = "must be a CPU quantity such as 1 or 500m")
    private String cpus = "1";

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 512Mi")
    private String memory = "512Mi";

    /** Lifetime of sandboxes created without {@code timeout_seconds}; null means {@code limits.defaultTimeoutSeconds}. */
    @JsonProperty
    @Min(1)
    @Max(31_536_000)
    private Integer timeoutSeconds;

    /** Environment variables every sandbox of the template starts with (a request's own override them). */
    @JsonProperty
    @NotNull
    private Map<@Pattern(regexp = "^[A-Za-z_][A-Za-z0-9_]{0,255}$") String, @NotNull String> env = Map.of();

    /** Whether sandboxes of this template may reach the network (a request may still turn it on). */
    @JsonProperty
    private boolean network;

    public TemplateConfig() {
    }

    public TemplateConfig(String name, String description, String image, List<String> preinstalled,
            String cpus, String memory, boolean network) {
        this.name = name;
        this.description = description;
        this.image = image;
        this.preinstalled = preinstalled;
        this.cpus = cpus;
        this.memory = memory;
        this.network = network;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public String category() {
        return category;
    }

    public List<String> tags() {
        return tags;
    }

    public String image() {
        return image;
    }

    public List<String> preinstalled() {
        return preinstalled;
    }

    public String cpus() {
        return cpus;
    }

    public String memory() {
        return memory;
    }

    public Integer timeoutSeconds() {
        return timeoutSeconds;
    }

    public Map<String, String> env() {
        return env;
    }

    public boolean network() {
        return network;
    }
}
