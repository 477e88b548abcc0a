package com.stateset.sandbox.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.CredentialFilter;
import com.stateset.sandbox.server.auth.CredentialVerifier;
import com.stateset.sandbox.server.auth.JwtVerifier;
import com.stateset.sandbox.server.auth.RateLimiter;
import com.stateset.sandbox.server.config.ExtensionConfig;
import com.stateset.sandbox.server.config.KeyFile;
import com.stateset.sandbox.server.config.LocalStoreConfig;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.core.ApiKeyService;
import com.stateset.sandbox.server.core.ArtifactService;
import com.stateset.sandbox.server.core.AuditLog;
import com.stateset.sandbox.server.core.BenchmarkService;
import com.stateset.sandbox.server.core.BillingService;
import com.stateset.sandbox.server.core.CheckpointService;
import com.stateset.sandbox.server.core.CommandService;
import com.stateset.sandbox.server.core.EgressMeter;
import com.stateset.sandbox.server.core.FileService;
import com.stateset.sandbox.server.core.ForkService;
import com.stateset.sandbox.server.core.Maintenance;
import com.stateset.sandbox.server.core.MetricsService;
import com.stateset.sandbox.server.core.Plans;
import com.stateset.sandbox.server.core.Reconciler;
import com.stateset.sandbox.server.core.RegistrationService;
import com.stateset.sandbox.server.core.ReplService;
import com.stateset.sandbox.server.core.SandboxFiles;
import com.stateset.sandbox.server.core.SandboxService;
import com.stateset.sandbox.server.core.SandboxStates;
import com.stateset.sandbox.server.core.SecretService;
import com.stateset.sandbox.server.core.StorageQuota;
import com.stateset.sandbox.server.core.StorageSweeper;
import com.stateset.sandbox.server.core.StoredObjects;
import com.stateset.sandbox.server.core.UsageSampler;
import com.stateset.sandbox.server.core.UsageService;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.db.Database;
import com.stateset.sandbox.server.db.InstallationDao;
import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.events.DeliveryQueue;
import com.stateset.sandbox.server.events.EventDispatcher;
import com.stateset.sandbox.server.events.EventSequencer;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.events.WebhookCredentials;
import com.stateset.sandbox.server.events.WebhookSender;
import com.stateset.sandbox.server.events.WebhookService;
import com.stateset.sandbox.server.events.WebhookTargets;
import com.stateset.sandbox.server.health.HealthResource;
import com.stateset.sandbox.server.health.RuntimeHealthCheck;
import com.stateset.sandbox.server.health.StorageHealthCheck;
import com.stateset.sandbox.server.http.AuditFilter;
import com.stateset.sandbox.server.http.ErrorMapper;
import com.stateset.sandbox.server.http.IdempotencyFilter;
import com.stateset.sandbox.server.http.JsonErrorHandler;
import com.stateset.sandbox.server.http.RequestIdFilter;
import com.stateset.sandbox.server.http.RequestSizeLimitFilter;
import com.stateset.sandbox.server.metrics.CommandMetrics;
import com.stateset.sandbox.server.metrics.CreateMetrics;
import com.stateset.sandbox.server.metrics.DatabaseGauges;
import com.stateset.sandbox.server.metrics.PrometheusServlet;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.plugin.ExtensionConfigBinder;
import com.stateset.sandbox.server.plugin.PluginHost;
import com.stateset.sandbox.server.plugin.ServerPluginContext;
import com.stateset.sandbox.server.pool.WarmPool;
import com.stateset.sandbox.server.resources.ApiKeyResource;
import com.stateset.sandbox.server.resources.ArtifactResource;
import com.stateset.sandbox.server.resources.AuditResource;
import com.stateset.sandbox.server.resources.BillingResource;
import com.stateset.sandbox.server.resources.CheckpointResource;
import com.stateset.sandbox.server.resources.EventStreamResource;
import com.stateset.sandbox.server.resources.OperationsResource;
import com.stateset.sandbox.server.resources.RegistrationResource;
import com.stateset.sandbox.server.resources.ReplResource;
import com.stateset.sandbox.server.resources.SandboxResource;
import com.stateset.sandbox.server.resources.SecretResource;
import com.stateset.sandbox.server.resources.TemplateResource;
import com.stateset.sandbox.server.resources.UsageResource;
import com.stateset.sandbox.server.resources.WebhookResource;
import com.stateset.sandbox.server.storage.LocalObjectStore;
import com.stateset.sandbox.server.storage.ObjectStores;
import com.stateset.sandbox.server.storage.SignedFileResource;
import com.stateset.sandbox.server.templates.Templates;
import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.events.EventSink;
import com.stateset.sandbox.spi.events.EventSinkFactory;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeFactory;
import com.stateset.sandbox.spi.storage.ObjectStore;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.metrics.servlets.MetricsServlet;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** StateSet Sandbox, self-hosted: the server. All wiring is here, in the order things depend on each other. */
public class SandboxApplication extends Application<SandboxConfiguration> {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxApplication.class);
    private static final String SECRETS_KEY_FILE = "secrets-master.key";

    public static void main(String[] args) throws Exception {
        new SandboxApplication().run(args);
    }

    @Override
    public String getName() {
        return "stateset-sandbox";
    }

    @Override
    public void initialize(Bootstrap<SandboxConfiguration> bootstrap) {
        // ${VAR} and ${VAR:-default} in the YAML come from the environment; a missing one fails the start.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true)));
    }

    @Override
    protected void addDefaultCommands(Bootstrap<SandboxConfiguration> bootstrap) {
        bootstrap.addCommand(new SandboxServerCommand(this));
        bootstrap.addCommand(new CheckCommand<>(this));
        bootstrap.addCommand(new SetPlanCommand());
    }

    @Override
    public void run(SandboxConfiguration config, Environment environment) {
        long processStartedAt = System.currentTimeMillis();
        Clock clock = Clock.systemUTC();
        // Our mapper answers every failure in the API's error shape; request bodies are strict.
        ((AbstractServerFactory) config.getServerFactory()).setRegisterDefaultExceptionMappers(false);
        // Request bodies accept fields this server does not know, as newer clients send them; types stay strict.
        environment.getObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        Path dataDirectory = directory(Path.of(config.dataDirectory()));
        Jdbi jdbi = Database.open(config.database(), dataDirectory, environment);
        String installId = installId(jdbi, clock);
        LOG.info("installation {}; database {}", installId, config.database().isPostgres() ? "PostgreSQL" : "H2");

        ExtensionConfigBinder binder = new ExtensionConfigBinder(environment.getObjectMapper(), environment.getValidator());
        PluginHost plugins = PluginHost.start(Path.of(config.pluginsDirectory()), binder);
        ScheduledExecutorService pluginScheduler = environment.lifecycle().scheduledExecutorService("plugins").threads(2).build();
        // What each extension is lent: its own data directory, named for its section and type.
        Function<String, PluginContext> pluginContext =
                name -> new ServerPluginContext(installId, PluginHost.dataDirectory(dataDirectory, name), clock, pluginScheduler);
        @SuppressWarnings("unchecked")
        Class<SandboxRuntimeFactory<?>> runtimeFactory = (Class<SandboxRuntimeFactory<?>>) (Class<?>) SandboxRuntimeFactory.class;
        SandboxRuntime runtime = plugins.create("runtime", config.runtime(), runtimeFactory, SandboxRuntime.class, pluginContext);
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                runtime.close();
                plugins.close();
            }
        });

        if (!config.plans().containsKey(config.auth().defaultPlan())) {
            throw new StartupException("auth.defaultPlan: '" + config.auth().defaultPlan() + "' is not one of the plans "
                    + config.plans().keySet());
        }
        AtomicReference<URI> listening = new AtomicReference<>();
        Supplier<URI> publicUrl = () -> config.publicUrl() != null ? URI.create(config.publicUrl())
                : Objects.requireNonNullElse(listening.get(), URI.create("http://localhost:8080"));
        LocalObjectStore localStore = null;
        ObjectStore store;
        if (ObjectStores.isLocal(config.storage())) {
            localStore = ObjectStores.local(binder.bind("storage.config", config.storage().config(), LocalStoreConfig.class),
                    dataDirectory, publicUrl, clock);
            store = localStore;
        } else {
            store = ObjectStores.plugin(config.storage(), plugins, pluginContext);
        }
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                store.close();
            }
        });

        // The secrets master key, if configured, seals secrets and webhook credentials alike.
        SecretCipher cipher = secretsKey(config, dataDirectory, jdbi).map(SecretCipher::new).orElse(null);
        WebhookCredentials webhookCredentials = new WebhookCredentials(cipher);

        // Events: the outbox, the worker that delivers it to webhooks and to configured sinks.
        WebhookTargets targets = new WebhookTargets(config.webhooks().allowPrivateTargets(), config.webhooks().requireHttps());
        WebhookSender sender = new WebhookSender(targets, config.webhooks().maxConcurrentDeliveries(), clock);
        Map<String, EventSink> sinks = eventSinks(config, plugins, pluginContext);
        EventDispatcher dispatcher = new EventDispatcher(jdbi, sender, sinks, environment.getObjectMapper(), clock,
                Duration.ofMillis(config.webhooks().pollMillis()), config.webhooks().maxConcurrentDeliveries(),
                webhookCredentials);
        environment.lifecycle().manage(dispatcher);
        EventSequencer sequencer = new EventSequencer(jdbi);
        environment.lifecycle().manage(sequencer);
        Events events = new Events(jdbi, clock, environment.getObjectMapper(), List.copyOf(sinks.keySet()), dispatcher::wake,
                sequencer::wake);
        SandboxStates states = new SandboxStates(jdbi, events, clock);

        // Metrics: the Prometheus format at the admin port's /metrics (see PrometheusServlet);
        // Dropwizard's own metrics move to /metrics.json there. Nothing on the application port.
        PrometheusRegistry metrics = new PrometheusRegistry();
        JvmMetrics.builder().register(metrics);
        DatabaseGauges.register(metrics, () -> jdbi.onDemand(SandboxDao.class).countByStatus(), dispatcher::backlog);
        environment.admin().addServlet("prometheus-metrics", new PrometheusServlet(metrics)).addMapping("/metrics");
        environment.admin().addServlet("dropwizard-metrics", new MetricsServlet(environment.metrics()))
                .addMapping("/metrics.json");

        Templates templates = new Templates(config.templates(), config.defaultTemplate(), config.allowedImages());
        Plans plans = new Plans(config.plans(), config.auth().defaultPlan());
        EgressMeter egress = new EgressMeter(jdbi, runtime);
        WarmPool pool = new WarmPool(config.warmPool(), templates, runtime, installId, clock, metrics);
        SandboxService sandboxes = new SandboxService(jdbi, runtime, templates, config.limits(), clock, installId,
                environment.getObjectMapper(), events, states, plans, new CreateMetrics(metrics), egress, pool);
        // Secrets are stored encrypted under secrets.masterKey; stored secrets and no key stop the start here.
        SecretService secrets = SecretService.open(jdbi, cipher,
                sandboxes, clock, environment.getObjectMapper());
        CommandService commands = new CommandService(sandboxes, runtime, config.limits(), events, secrets,
                new CommandMetrics(metrics));
        FileService files = new FileService(sandboxes, runtime, config.limits(), events);
        StoredObjects objects = new StoredObjects(store);
        StorageQuota quota = new StorageQuota(plans);
        CheckpointService checkpoints = new CheckpointService(jdbi, runtime, objects, sandboxes, quota, config.limits(), clock,
                environment.getObjectMapper(), events);
        ArtifactService artifacts = new ArtifactService(jdbi, runtime, objects, sandboxes, quota, config.limits(), clock,
                environment.getObjectMapper(), events);

        MetricsService metricsService = new MetricsService(jdbi, runtime, sandboxes, clock,
                Duration.ofHours(config.reconciler().metricsRetentionHours()));

        ExecutorService background = environment.lifecycle().virtualExecutorService("background");
        String jwtSecret = config.auth().jwtSecret();
        CredentialVerifier verifier = new CredentialVerifier(jdbi, jwtSecret == null ? null : new JwtVerifier(jwtSecret),
                clock, Duration.ofSeconds(config.auth().keyCacheSeconds()), background);
        RateLimiter rateLimiter = new RateLimiter(config.auth().rateLimit().requestsPerSecond(), config.auth().rateLimit().burst());

        Reconciler reconciler = new Reconciler(jdbi, runtime, states, installId, clock, processStartedAt,
                config.reconciler().createTimeoutSeconds() * 1000L, pool);
        StorageSweeper sweeper = new StorageSweeper(jdbi, checkpoints, artifacts, clock,
                Duration.ofMinutes(config.storage().abandonedUploadMinutes()));
        environment.lifecycle().manage(new Maintenance(reconciler, sandboxes, sweeper, jdbi, clock,
                environment.lifecycle().scheduledExecutorService("maintenance").threads(4).build(),
                Duration.ofSeconds(config.reconciler().intervalSeconds()),
                Duration.ofSeconds(config.reconciler().expiryCheckSeconds()),
                Duration.ofSeconds(config.storage().sweepIntervalSeconds()),
                new UsageSampler(jdbi, metricsService, egress), Duration.ofSeconds(config.reconciler().usageSampleSeconds())));
        // After Maintenance, whose first reconciliation removes pooled sandboxes an earlier process left.
        environment.lifecycle().manage(pool);

        environment.healthChecks().register("runtime", new RuntimeHealthCheck(runtime));

        environment.healthChecks().register("storage", new StorageHealthCheck(store));

        environment.servlets().addFilter("request-id", new RequestIdFilter())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        environment.servlets().addFilter("request-size", new RequestSizeLimitFilter(config.limits().maxRequestBytes(),
                        environment.getObjectMapper()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");

        environment.jersey().register(new ErrorMapper());
        environment.jersey().register(new AuthDynamicFeature(new CredentialFilter(verifier, rateLimiter)));
        environment.jersey().register(RolesAllowedDynamicFeature.class);
        environment.jersey().register(new AuthValueFactoryProvider.Binder<>(Caller.class));

        HealthResource health = new HealthResource(environment.healthChecks());
        environment.jersey().register(health);
        environment.jersey().register(new HealthResource.UnderApi(health));
        environment.jersey().register(new RegistrationResource(new RegistrationService(jdbi, clock,
                config.auth().registrationEnabled(), config.auth().defaultPlan())));
        environment.jersey().register(new ApiKeyResource(new ApiKeyService(jdbi, clock, verifier)));
        environment.jersey().register(new TemplateResource(templates, config.limits().defaultTimeoutSeconds()));
        environment.jersey().register(new SandboxResource(sandboxes, checkpoints, commands, files,
                new SandboxFiles(sandboxes, runtime), new ForkService(sandboxes, checkpoints), templates,
                environment.getObjectMapper()));
        environment.jersey().register(new CheckpointResource(checkpoints));
        environment.jersey().register(new ArtifactResource(artifacts));
        environment.jersey().register(new BillingResource(new BillingService(jdbi, plans, quota, clock)));
        environment.jersey().register(new OperationsResource(metricsService, pool,
                new DeliveryQueue(jdbi, clock, config.webhooks().maxConcurrentDeliveries()),
                new BenchmarkService(jdbi, sandboxes, commands, templates, environment.getObjectMapper(), clock)));
        environment.jersey().register(new EventStreamResource(jdbi, sequencer));
        environment.jersey().register(new ReplResource(new ReplService(jdbi, runtime, sandboxes, secrets, config.limits(),
                environment.getObjectMapper(), clock)));
        environment.jersey().register(new UsageResource(new UsageService(jdbi, quota, config.rates(), clock)));
        environment.jersey().register(new WebhookResource(new WebhookService(jdbi, targets, sender, events, clock,
                environment.getObjectMapper(), webhookCredentials)));
        if (localStore != null) {
            environment.jersey().register(new SignedFileResource(localStore, clock));
        }

        environment.jersey().register(new SecretResource(secrets));

        // The audit log: every call of an @Audited resource method, written before its answer.
        AuditLog audit = new AuditLog(jdbi, environment.getObjectMapper());
        environment.jersey().register(new AuditFilter(audit, clock, environment.getObjectMapper()));
        environment.jersey().register(new AuditResource(audit));
        environment.jersey().register(new IdempotencyFilter(jdbi, environment.getObjectMapper(), clock, cipher));

        // Errors Jetty answers before the API sees a request get the API's error shape too.
        environment.getApplicationContext().setErrorHandler(new JsonErrorHandler());
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    server.setErrorHandler(new JsonErrorHandler());
                }
            }

            /** Event streams end as the server begins to stop, so that they do not hold up its graceful stop. */
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                if (event instanceof Server) {
                    sequencer.endStreams();
                }
            }
        });
        environment.lifecycle().addServerLifecycleListener(server -> {
            String url = listeningUrl(server);
            if (url != null) {
                listening.set(URI.create(url));
            }
            announce(url, config.auth().registrationEnabled());
        });
    }

    /** The sinks of {@code events.sinks}, by name ({@code type}, numbered when one is listed twice). */
    private static Map<String, EventSink> eventSinks(SandboxConfiguration config, PluginHost plugins,
            Function<String, PluginContext> context) {
        @SuppressWarnings("unchecked")
        Class<EventSinkFactory<?>> factoryType = (Class<EventSinkFactory<?>>) (Class<?>) EventSinkFactory.class;
        Map<String, EventSink> sinks = new LinkedHashMap<>();
        for (int i = 0; i < config.events().sinks().size(); i++) {
            ExtensionConfig sink = config.events().sinks().get(i);
            String name = sinks.containsKey(sink.type()) ? sink.type() + "-" + i : sink.type();
            sinks.put(name, plugins.create("events.sinks[" + i + "]", sink, factoryType, EventSink.class, context));
        }
        return sinks;
    }

    /** The URL of the application connector once it is open, or null. */
    private static String listeningUrl(Server server) {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector http && "application".equals(http.getName())) {
                String host = http.getHost() == null || http.getHost().equals("0.0.0.0") ? "localhost" : http.getHost();
                return "http://" + host + ":" + http.getLocalPort();
            }
        }
        return null;
    }

    /** Where the server listens, and how to get a first key. */
    private static void announce(String url, boolean registrationEnabled) {
        if (url == null) {
            return;
        }
        LOG.info("StateSet Sandbox is listening on {}", url);
        if (registrationEnabled) {
            LOG.info("Get an API key: curl -s -X POST {}/api/v1/register -H 'Content-Type: application/json'"
                    + " -d '{\"email\":\"you@example.com\",\"organization_name\":\"My Org\"}'", url);
        } else {
            LOG.info("Registration is switched off (auth.registrationEnabled); API keys come from an administrator");
        }
    }

    /** The configured master key, else (where allowed) the one generated on first start into the data directory. */
    private static Optional<byte[]> secretsKey(SandboxConfiguration config, Path dataDirectory, Jdbi jdbi) {
        Optional<byte[]> configured = config.secrets().masterKey();
        if (configured.isPresent() || !config.secrets().generateKey()) {
            return configured;
        }
        Path file = dataDirectory.resolve(SECRETS_KEY_FILE);
        if (!Files.exists(file) && jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM secrets")
                .mapTo(Integer.class).one()) > 0) {
            // Secrets stored under a key that is gone: a new one would read none of them. The start
            // stops (SecretService says why) rather than carry on without them.
            return Optional.empty();
        }
        try {
            KeyFile.Key key = KeyFile.readOrCreate(file, 32, Base64.getEncoder()::encodeToString, Base64.getDecoder()::decode);
            if (key.created()) {
                LOG.info("Generated a secrets master key in {} (readable by this user only). Back it up with the database:"
                        + " without it stored secrets cannot be read. A production install sets its own:"
                        + " SANDBOX_SECRETS_MASTER_KEY=$(openssl rand -base64 32)", file.toAbsolutePath());
            }
            if (key.bytes().length != 32) {
                throw new StartupException("secrets: " + file + " does not hold a 32-byte key");
            }
            return Optional.of(key.bytes());
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("secrets: cannot read or create the master key " + file + ": " + e.getMessage());
        }
    }

    private static String installId(Jdbi jdbi, Clock clock) {
        return jdbi.inTransaction(handle -> {
            InstallationDao installation = handle.attach(InstallationDao.class);
            return installation.find().orElseGet(() -> {
                String id = Ids.newId("inst");
                installation.insert(id, clock.millis());
                return id;
            });
        });
    }

    private static Path directory(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("dataDirectory: cannot create " + path.toAbsolutePath(), e);
        }
    }
}
