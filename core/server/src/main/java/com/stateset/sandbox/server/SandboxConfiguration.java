package com.stateset.sandbox.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.server.config.AuthConfig;
import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.config.ExtensionConfig;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.config.ReconcilerConfig;
import com.stateset.sandbox.server.config.TemplateConfig;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/** The server's YAML. Paths are relative to the working directory (the install root for bin/sandbox). */
public class SandboxConfiguration extends Configuration {

    @JsonProperty
    @Valid
    @NotNull
    private DatabaseConfig database = new DatabaseConfig();

    /** Where the server keeps files of its own (the embedded database, plugin data). */
    @JsonProperty
    @NotBlank
    private String dataDirectory = "data";

    /** The directory scanned for plugins at start. */
    @JsonProperty
    @NotBlank
    private String pluginsDirectory = "plugins";

    @JsonProperty
    @Valid
    @NotNull
    private ExtensionConfig runtime;

    @JsonProperty
    @Valid
    @NotNull
    private AuthConfig auth = new AuthConfig();

    @JsonProperty
    @Valid
    @NotNull
    private LimitsConfig limits = new LimitsConfig();

    @JsonProperty
    @Valid
    @NotNull
    private ReconcilerConfig reconciler = new ReconcilerConfig();

    @JsonProperty
    @Valid
    @NotEmpty
    private List<TemplateConfig> templates = new ArrayList<>();

    /** The template of a sandbox created without one. */
    @JsonProperty
    @NotBlank
    private String defaultTemplate = "python-basic";

    public DatabaseConfig database() {
        return database;
    }

    public String dataDirectory() {
        return dataDirectory;
    }

    public String pluginsDirectory() {
        return pluginsDirectory;
    }

    public ExtensionConfig runtime() {
        return runtime;
    }

    public AuthConfig auth() {
        return auth;
    }

    public LimitsConfig limits() {
        return limits;
    }

    public ReconcilerConfig reconciler() {
        return reconciler;
    }

    public List<TemplateConfig> templates() {
        return templates;
    }

    public String defaultTemplate() {
        return defaultTemplate;
    }
}
