package com.stateset.sandbox.server;

import com.stateset.sandbox.server.core.ArtifactService;
import com.stateset.sandbox.server.core.CheckpointService;
import com.stateset.sandbox.server.core.CommandService;
import com.stateset.sandbox.server.core.EgressMeter;
import com.stateset.sandbox.server.core.FileService;
import com.stateset.sandbox.server.core.Maintenance;
import com.stateset.sandbox.server.core.MetricsService;
import com.stateset.sandbox.server.core.Plans;
import com.stateset.sandbox.server.core.Reconciler;
import com.stateset.sandbox.server.core.SandboxService;
import com.stateset.sandbox.server.core.SecretService;
import com.stateset.sandbox.server.core.StorageQuota;
import com.stateset.sandbox.server.core.StorageSweeper;
import com.stateset.sandbox.server.core.StoredObjects;
import com.stateset.sandbox.server.core.UsageSampler;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.metrics.CommandMetrics;
import com.stateset.sandbox.server.metrics.CreateMetrics;
import com.stateset.sandbox.server.pool.WarmPool;
import com.stateset.sandbox.server.templates.TemplateCatalog;
import com.stateset.sandbox.server.templates.Templates;
import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * The services behind the API, and the background work that keeps sandboxes and storage true to
 * the database: reconciliation, expiry, sweeping, usage sampling and the warm pool.
 */
record Services(Templates templates, Plans plans, StorageQuota quota, WarmPool pool, SandboxService sandboxes,
        SecretService secrets, CommandService commands, FileService files, CheckpointService checkpoints,
        ArtifactService artifacts, MetricsService metrics) {

    static Services start(SandboxConfiguration config, Environment environment, Jdbi jdbi, Clock clock, String installId,
            long processStartedAt, Extensions extensions, EventPipeline pipeline, PrometheusRegistry registry,
            SecretCipher cipher) {
        Templates templates = new Templates(TemplateCatalog.effective(config.catalog(), config.templates()), config.defaultTemplate(),
                config.allowedImages());
        Plans plans = new Plans(config.plans(), config.auth().defaultPlan());
        EgressMeter egress = new EgressMeter(jdbi, extensions.runtime());
        WarmPool pool = new WarmPool(config.warmPool(), templates, extensions.runtime(), installId, clock, registry,
                Duration.ofSeconds(config.limits().maxTimeoutSeconds()));
        SandboxService sandboxes = new SandboxService(jdbi, extensions.runtime(), templates, config.limits(), clock, installId,
                environment.getObjectMapper(), pipeline.events(), pipeline.states(), plans, new CreateMetrics(registry), egress,
                pool);
        // Secrets are stored encrypted under secrets.masterKey; stored secrets and no key stop the start here.
        SecretService secrets = SecretService.open(jdbi, cipher, sandboxes, clock, environment.getObjectMapper());
        CommandService commands = new CommandService(sandboxes, extensions.runtime(), config.limits(), pipeline.events(), secrets,
                new CommandMetrics(registry));
        FileService files = new FileService(sandboxes, extensions.runtime(), config.limits(), pipeline.events());
        StoredObjects objects = new StoredObjects(extensions.store());
        StorageQuota quota = new StorageQuota(plans);
        CheckpointService checkpoints = new CheckpointService(jdbi, extensions.runtime(), objects, sandboxes, quota,
                config.limits(), clock, environment.getObjectMapper(), pipeline.events());
        ArtifactService artifacts = new ArtifactService(jdbi, extensions.runtime(), objects, sandboxes, quota, config.limits(),
                clock, environment.getObjectMapper(), pipeline.events());
        MetricsService metrics = new MetricsService(jdbi, extensions.runtime(), sandboxes, clock,
                Duration.ofHours(config.reconciler().metricsRetentionHours()));

        Reconciler reconciler = new Reconciler(jdbi, extensions.runtime(), pipeline.states(), installId, clock, processStartedAt,
                config.reconciler().createTimeoutSeconds() * 1000L, pool);
        StorageSweeper sweeper = new StorageSweeper(jdbi, checkpoints, artifacts, clock,
                Duration.ofMinutes(config.storage().abandonedUploadMinutes()));
        environment.lifecycle().manage(new Maintenance(reconciler, sandboxes, sweeper, jdbi, clock,
                environment.lifecycle().scheduledExecutorService("maintenance").threads(4).build(),
                Duration.ofSeconds(config.reconciler().intervalSeconds()),
                Duration.ofSeconds(config.reconciler().expiryCheckSeconds()),
                Duration.ofSeconds(config.storage().sweepIntervalSeconds()),
                new UsageSampler(jdbi, metrics, egress), Duration.ofSeconds(config.reconciler().usageSampleSeconds())));
        // After Maintenance, whose first reconciliation removes pooled sandboxes an earlier process left.
        environment.lifecycle().manage(pool);
        return new Services(templates, plans, quota, pool, sandboxes, secrets, commands, files, checkpoints, artifacts, metrics);
    }
}
