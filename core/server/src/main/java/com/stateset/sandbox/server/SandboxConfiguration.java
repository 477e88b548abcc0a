package com.stateset.sandbox.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.server.config.AuthConfig;
import com.stateset.sandbox.server.config.CatalogConfig;
import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.config.EventsConfig;
import com.stateset.sandbox.server.config.ExtensionConfig;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.config.PlanConfig;
import com.stateset.sandbox.server.config.RatesConfig;
import com.stateset.sandbox.server.config.ReconcilerConfig;
import com.stateset.sandbox.server.config.SecretsConfig;
import com.stateset.sandbox.server.config.StorageConfig;
import com.stateset.sandbox.server.config.TemplateConfig;
import com.stateset.sandbox.server.config.WarmPoolConfig;
import com.stateset.sandbox.server.config.WebhooksConfig;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private StorageConfig storage = new StorageConfig();

    /**
     * The URL clients reach this server at, for links it hands out (the local store's presigned
     * URLs). By default the address the server listens on, which suits a single machine.
     */
    @JsonProperty
    @jakarta.validation.constraints.Pattern(regexp = "^(https?://[^\\s?#]+)?$", message = "must be an http or https URL")
    private String publicUrl;

    @JsonProperty
    @Valid
    @NotNull
    private WebhooksConfig webhooks = new WebhooksConfig();

    @JsonProperty
    @Valid
    @NotNull
    private EventsConfig events = new EventsConfig();

    @JsonProperty
    @Valid
    @NotNull
    private RatesConfig rates = new RatesConfig();

    /** Plans by name, with their limits; organizations are on one of these. */
    @JsonProperty
    @Valid
    @NotEmpty
    private Map<String, PlanConfig> plans = defaultPlans();

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
    @NotNull
    private WarmPoolConfig warmPool = new WarmPoolConfig();

    @JsonProperty
    @Valid
    @NotNull
    private SecretsConfig secrets = new SecretsConfig();

    @JsonProperty
    @Valid
    @NotNull
    private CatalogConfig catalog = new CatalogConfig();

    /** Templates besides the catalog's; one of a catalog template's name takes its place. */
    @JsonProperty
    @Valid
    @NotNull
    private List<TemplateConfig> templates = new ArrayList<>();

    /** The template of a sandbox created without one. */
    @JsonProperty
    @NotBlank
    private String defaultTemplate = "python-basic";

    /** Images a create may name in {@code image}, besides the templates' own. */
    @JsonProperty
    @NotNull
    private List<@NotBlank @Size(max = 500) String> allowedImages = new ArrayList<>();

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

    public StorageConfig storage() {
        return storage;
    }

    /** The configured public URL, or null to use the address the server listens on. */
    public String publicUrl() {
        return publicUrl == null || publicUrl.isEmpty() ? null : publicUrl;
    }

    public WebhooksConfig webhooks() {
        return webhooks;
    }

    public EventsConfig events() {
        return events;
    }

    public RatesConfig rates() {
        return rates;
    }

    public Map<String, PlanConfig> plans() {
        return plans;
    }

    public AuthConfig auth() {
        return auth;
    }

    public LimitsConfig limits() {
        return limits;
    }

    public WarmPoolConfig warmPool() {
        return warmPool;
    }

    public ReconcilerConfig reconciler() {
        return reconciler;
    }

    public SecretsConfig secrets() {
        return secrets;
    }

    public CatalogConfig catalog() {
        return catalog;
    }

    public List<TemplateConfig> templates() {
        return templates;
    }

    public String defaultTemplate() {
        return defaultTemplate;
    }

    public List<String> allowedImages() {
        return allowedImages;
    }

    /** The plans of the hosted service, as a new install starts with them. */
    private static Map<String, PlanConfig> defaultPlans() {
        Map<String, PlanConfig> plans = new LinkedHashMap<>();
        plans.put("free", new PlanConfig(50, 2, 300, "1Gi"));
        plans.put("pro", new PlanConfig(1_000, 10, 3_600, "50Gi"));
        plans.put("team", new PlanConfig(10_000, 50, 7_200, "500Gi"));
        plans.put("enterprise", new PlanConfig(null, null, null, null));
        return plans;
    }
}
