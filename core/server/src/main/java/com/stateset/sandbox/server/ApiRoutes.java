package com.stateset.sandbox.server;

import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.CredentialFilter;
import com.stateset.sandbox.server.auth.CredentialVerifier;
import com.stateset.sandbox.server.auth.JwtVerifier;
import com.stateset.sandbox.server.auth.RateLimiter;
import com.stateset.sandbox.server.core.ApiKeyService;
import com.stateset.sandbox.server.core.AuditLog;
import com.stateset.sandbox.server.core.BenchmarkService;
import com.stateset.sandbox.server.core.BillingService;
import com.stateset.sandbox.server.core.FileStreams;
import com.stateset.sandbox.server.core.ForkService;
import com.stateset.sandbox.server.core.RegistrationService;
import com.stateset.sandbox.server.core.ReplService;
import com.stateset.sandbox.server.core.SandboxFiles;
import com.stateset.sandbox.server.core.ProcessService;
import com.stateset.sandbox.server.core.TerminalService;
import com.stateset.sandbox.server.core.UsageService;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.events.DeliveryQueue;
import com.stateset.sandbox.server.events.WebhookService;
import com.stateset.sandbox.server.health.HealthResource;
import com.stateset.sandbox.server.health.RuntimeHealthCheck;
import com.stateset.sandbox.server.health.StorageHealthCheck;
import com.stateset.sandbox.server.http.AuditFilter;
import com.stateset.sandbox.server.http.BlankJsonBodyFilter;
import com.stateset.sandbox.server.http.ErrorMapper;
import com.stateset.sandbox.server.http.IdempotencyFilter;
import com.stateset.sandbox.server.http.JsonErrorHandler;
import com.stateset.sandbox.server.http.RepeatedQueryFilter;
import com.stateset.sandbox.server.http.RequestIdFilter;
import com.stateset.sandbox.server.http.RequestSizeLimitFilter;
import com.stateset.sandbox.server.http.TerminalSockets;
import com.stateset.sandbox.server.resources.ApiDocumentResource;
import com.stateset.sandbox.server.resources.ApiKeyResource;
import com.stateset.sandbox.server.resources.ArtifactResource;
import com.stateset.sandbox.server.resources.AuditResource;
import com.stateset.sandbox.server.resources.BillingResource;
import com.stateset.sandbox.server.resources.CheckpointResource;
import com.stateset.sandbox.server.resources.DocsResource;
import com.stateset.sandbox.server.resources.EventStreamResource;
import com.stateset.sandbox.server.resources.FileStreamResource;
import com.stateset.sandbox.server.resources.OperationsResource;
import com.stateset.sandbox.server.resources.RegistrationResource;
import com.stateset.sandbox.server.resources.ReplResource;
import com.stateset.sandbox.server.resources.SandboxResource;
import com.stateset.sandbox.server.resources.SecretResource;
import com.stateset.sandbox.server.resources.TemplateResource;
import com.stateset.sandbox.server.resources.OpenStreams;
import com.stateset.sandbox.server.resources.ProcessResource;
import com.stateset.sandbox.server.resources.TerminalResource;
import com.stateset.sandbox.server.resources.UsageResource;
import com.stateset.sandbox.server.resources.WebhookResource;
import com.stateset.sandbox.server.storage.SignedFileResource;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.filter.AllowedMethodsFilter;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.jdbi.v3.core.Jdbi;

/**
 * The HTTP side: health checks, the request filters (request id, size limit, credentials, audit,
 * idempotency), the resources under /api/v1, and errors in the API's shape whoever answers them.
 */
final class ApiRoutes {

    private ApiRoutes() {
    }

    static void register(SandboxConfiguration config, Environment environment, Jdbi jdbi, Clock clock, Extensions extensions,
            EventPipeline pipeline, Services services, SecretCipher cipher) {
        environment.healthChecks().register("runtime", new RuntimeHealthCheck(extensions.runtime()));
        environment.healthChecks().register("storage", new StorageHealthCheck(extensions.store()));

        environment.servlets().addFilter("request-id", new RequestIdFilter())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        environment.servlets().addFilter("request-size", new RequestSizeLimitFilter(config.limits().maxRequestBytes(),
                        config.limits().maxArtifactBytes(), environment.getObjectMapper()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");

        ExecutorService background = environment.lifecycle().virtualExecutorService("background");
        String jwtSecret = config.auth().jwtSecret();
        CredentialVerifier verifier = new CredentialVerifier(jdbi, jwtSecret == null ? null : new JwtVerifier(jwtSecret),
                clock, Duration.ofSeconds(config.auth().keyCacheSeconds()), background);
        RateLimiter rateLimiter = new RateLimiter(config.auth().rateLimit().requestsPerSecond(), config.auth().rateLimit().burst());
        environment.jersey().register(new ErrorMapper());
        environment.jersey().register(new RepeatedQueryFilter());
        environment.jersey().register(new BlankJsonBodyFilter());
        environment.jersey().register(new AuthDynamicFeature(new CredentialFilter(verifier, rateLimiter)));
        environment.jersey().register(RolesAllowedDynamicFeature.class);
        environment.jersey().register(new AuthValueFactoryProvider.Binder<>(Caller.class));

        resources(config, environment, jdbi, clock, extensions, pipeline, services, verifier);

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
                    letEveryMethodReachTheApi(environment.getApplicationContext());
                }
            }

            /** Event streams end as the server begins to stop, so that they do not hold up its graceful stop. */
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                if (event instanceof Server) {
                    pipeline.sequencer().endStreams();
                }
            }
        });
    }

    /**
     * Dropwizard refuses methods outside its list (TRACE, QUERY, ...) with a bare 405 that names no
     * allowed method. On the API's context every method goes on to Jersey instead, the context's only
     * servlet, which answers one a resource lacks with 405 and the resource's methods in Allow, in
     * the error shape. Jersey has no TRACE handler, so nothing echoes a request (and its credential)
     * back; the admin context, whose servlets would, keeps Dropwizard's refusal.
     */
    private static void letEveryMethodReachTheApi(ServletContextHandler context) {
        ServletHandler handler = context.getServletHandler();
        Set<String> refusing = Arrays.stream(handler.getFilters())
                .filter(holder -> holder.getHeldClass() == AllowedMethodsFilter.class)
                .map(FilterHolder::getName)
                .collect(Collectors.toSet());
        handler.setFilterMappings(Arrays.stream(handler.getFilterMappings())
                .filter(mapping -> !refusing.contains(mapping.getFilterName())).toArray(FilterMapping[]::new));
        handler.setFilters(Arrays.stream(handler.getFilters())
                .filter(holder -> !refusing.contains(holder.getName())).toArray(FilterHolder[]::new));
    }

    private static void resources(SandboxConfiguration config, Environment environment, Jdbi jdbi, Clock clock,
            Extensions extensions, EventPipeline pipeline, Services services, CredentialVerifier verifier) {
        HealthResource health = new HealthResource(environment.healthChecks());
        environment.jersey().register(health);
        environment.jersey().register(new HealthResource.UnderApi(health));
        environment.jersey().register(new ApiDocumentResource());
        environment.jersey().register(new DocsResource());
        environment.jersey().register(new RegistrationResource(new RegistrationService(jdbi, clock,
                config.auth().registrationEnabled(), config.auth().defaultPlan())));
        environment.jersey().register(new ApiKeyResource(new ApiKeyService(jdbi, clock, verifier)));
        environment.jersey().register(new TemplateResource(services.templates(), config.limits().defaultTimeoutSeconds()));
        environment.jersey().register(new SandboxResource(services.sandboxes(), services.checkpoints(), services.commands(),
                services.files(), new SandboxFiles(services.sandboxes(), extensions.runtime()),
                new ForkService(services.sandboxes(), services.checkpoints()), services.templates(), environment.getObjectMapper()));
        OpenStreams streams = new OpenStreams();
        environment.jersey().register(new FileStreamResource(new FileStreams(services.sandboxes(), extensions.runtime(),
                config.limits(), pipeline.events()), environment.getObjectMapper(), streams));
        environment.jersey().register(new CheckpointResource(services.checkpoints()));
        environment.jersey().register(new ArtifactResource(services.artifacts()));
        environment.jersey().register(new BillingResource(new BillingService(jdbi, services.plans(), services.quota(), clock)));
        environment.jersey().register(new OperationsResource(services.metrics(), services.pool(),
                new DeliveryQueue(jdbi, clock, config.webhooks().maxConcurrentDeliveries()),
                new BenchmarkService(jdbi, services.sandboxes(), services.commands(), services.templates(),
                        environment.getObjectMapper(), clock)));
        environment.jersey().register(new EventStreamResource(jdbi, pipeline.sequencer()));
        environment.jersey().register(new ReplResource(new ReplService(jdbi, extensions.runtime(), services.sandboxes(),
                services.secrets(), config.limits(), environment.getObjectMapper(), clock)));
        environment.jersey().register(new UsageResource(new UsageService(jdbi, services.quota(), config.rates(), clock)));
        environment.jersey().register(new WebhookResource(new WebhookService(jdbi, pipeline.targets(), pipeline.sender(),
                pipeline.events(), clock, environment.getObjectMapper(), pipeline.credentials())));
        if (extensions.localStore() != null) {
            environment.jersey().register(new SignedFileResource(extensions.localStore(), clock));
        }
        environment.jersey().register(new SecretResource(services.secrets()));
        TerminalService terminals = new TerminalService(jdbi, services.sandboxes(), services.secrets(), extensions.runtime(),
                environment.getObjectMapper(), clock);
        environment.jersey().register(new TerminalResource(terminals));
        TerminalSockets.register(environment.getApplicationContext(), terminals, environment.getObjectMapper());
        environment.jersey().register(new ProcessResource(new ProcessService(services.sandboxes(), services.secrets(),
                extensions.runtime()), environment.getObjectMapper(), streams));
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            /** Streams from sandboxes end as the server begins to stop, so that they do not hold up its graceful stop. */
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                if (event instanceof Server) {
                    streams.endAll();
                }
            }
        });
    }
}
