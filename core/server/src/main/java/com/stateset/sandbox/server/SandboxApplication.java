package com.stateset.sandbox.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.config.KeyFile;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.core.SecretService;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.db.Database;
import com.stateset.sandbox.server.db.InstallationDao;
import com.stateset.sandbox.server.http.StrictScalars;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.plugin.ExtensionConfigBinder;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StateSet Sandbox, self-hosted: the server. Its wiring, in the order things depend on each other:
 * the database, the {@link Extensions} (runtime, store, sinks), the {@link EventPipeline}, the
 * {@link Monitoring}, the {@link Services} and the {@link ApiRoutes}.
 */
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
        if (!config.plans().containsKey(config.auth().defaultPlan())) {
            throw new StartupException("auth.defaultPlan: '" + config.auth().defaultPlan() + "' is not one of the plans "
                    + config.plans().keySet());
        }
        // Our mapper answers every failure in the API's error shape.
        ((AbstractServerFactory) config.getServerFactory()).setRegisterDefaultExceptionMappers(false);
        // Request bodies accept fields this server does not know, as newer clients send them; types stay strict.
        environment.getObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // Plugins' configuration binds as Dropwizard binds the server's (-Ddw. overrides are strings).
        ObjectMapper configMapper = environment.getObjectMapper().copy();
        StrictScalars.apply(environment.getObjectMapper());

        Path dataDirectory = directory(Path.of(config.dataDirectory()));
        Jdbi jdbi = Database.open(config.database(), dataDirectory, environment);
        String installId = installId(jdbi, clock);
        LOG.info("installation {}; database {}", installId, config.database().isPostgres() ? "PostgreSQL" : "H2");

        AtomicReference<URI> listening = new AtomicReference<>();
        Supplier<URI> publicUrl = () -> config.publicUrl() != null ? URI.create(config.publicUrl())
                : Objects.requireNonNullElse(listening.get(), URI.create("http://localhost:8080"));
        Extensions extensions = Extensions.open(config, environment,
                new ExtensionConfigBinder(configMapper, environment.getValidator()), dataDirectory, installId, clock,
                publicUrl);
        // The secrets master key, if configured, seals secrets, webhook credentials and kept answers alike.
        SecretCipher cipher = secretsKey(config, dataDirectory, jdbi).map(SecretCipher::new).orElse(null);
        EventPipeline pipeline = EventPipeline.start(config, environment, jdbi, clock, extensions.sinks(), cipher);
        PrometheusRegistry metrics = Monitoring.start(environment, jdbi, pipeline.dispatcher()::backlog);
        Services services = Services.start(config, environment, jdbi, clock, installId, processStartedAt, extensions, pipeline,
                metrics, cipher);
        ApiRoutes.register(config, environment, jdbi, clock, extensions, pipeline, services, cipher);

        environment.lifecycle().addServerLifecycleListener(server -> {
            String url = listeningUrl(server);
            if (url != null) {
                listening.set(URI.create(url));
            }
            announce(url, config.auth().registrationEnabled());
        });
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
        LOG.info("API reference: {}/docs; command line: bin/sbx login --url {}", url, url);
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
