package com.stateset.sandbox.server.pool;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.config.TemplateConfig;
import com.stateset.sandbox.server.config.WarmPoolConfig;
import com.stateset.sandbox.server.metrics.PoolMetrics;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.templates.Templates;
import com.stateset.sandbox.spi.Quantities;
import com.stateset.sandbox.spi.runtime.RuntimeSandbox;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import io.dropwizard.lifecycle.Managed;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes started ahead, per template, at the template's own shape (image, cpus, memory,
 * network), hardened like any other and belonging to no organization. A create of that shape
 * claims one: the runtime renames it to the new sandbox's id, after which it is that sandbox and
 * nothing else (its environment is applied to every command, as for any sandbox); it leaves the
 * pool for good and is removed when the sandbox stops. Creates of any other shape, or finding the
 * pool empty, start a sandbox as usual.
 *
 * <p>The pool lives in memory. Its sandboxes carry the installation's label and no sandbox id, so
 * the reconciler removes any this process does not hold (those of an earlier process included):
 * nothing leaks across a crash, and a restarted server refills from scratch.
 */
public final class WarmPool implements Managed {

    /** Label on pooled sandboxes: the template they were made for. */
    public static final String TEMPLATE_LABEL = "io.stateset.sandbox.pool";
    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
    private static final long TICK_SECONDS = 5;

    private final SandboxRuntime runtime;
    private final String installId;
    private final Clock clock;
    private final long maxAgeMillis;
    private final Duration maxLifetime;
    private final long refillDelayMillis;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    /** Every pooled sandbox this process holds: being started or idle. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ExecutorService starters;
    private final ScheduledExecutorService ticker;
    private final PoolMetrics metrics;
    private volatile boolean stopping;

    /**
     * @param claimedLifetime the longest a claimed sandbox may live: a pooled sandbox's engine-side
     *     limit is the longest it may wait in the pool plus this
     */
    public WarmPool(WarmPoolConfig config, Templates templates, SandboxRuntime runtime, String installId, Clock clock,
            PrometheusRegistry registry, Duration claimedLifetime) {
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.maxLifetime = Duration.ofSeconds(config.maxAgeSeconds()).plus(claimedLifetime);
        this.installId = requireNonNull(installId, "installId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxAgeMillis = config.maxAgeSeconds() * 1000L;
        this.refillDelayMillis = config.refillDelayMillis();
        config.templates().forEach((name, size) -> {
            TemplateConfig template = templates.find(name).orElseThrow(() -> new IllegalArgumentException(
                    "warmPool.templates names " + name + ", which is not a configured template"));
            if (size > 0) {
                slots.put(name, new Slot(template, size));
            }
        });
        this.starters = Executors.newFixedThreadPool(config.refillConcurrency(),
                Thread.ofPlatform().name("warm-pool-", 0).daemon().factory());
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("warm-pool-tick").daemon().factory());
        this.metrics = new PoolMetrics(registry, slots.keySet(), this::idle);
    }

    @Override
    public void start() {
        if (!slots.isEmpty()) {
            ticker.scheduleWithFixedDelay(this::tick, 0, TICK_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Removes the idle sandboxes: a server stopped cleanly leaves none behind. */
    @Override
    public void stop() throws InterruptedException {
        stopping = true;
        ticker.shutdownNow();
        starters.shutdown();
        if (!starters.awaitTermination(60, TimeUnit.SECONDS)) {
            LOG.warn("pooled sandboxes still starting at stop are left to the next start's reconciliation");
        }
        for (Slot slot : slots.values()) {
            for (Pooled pooled; (pooled = slot.idle.pollFirst()) != null; ) {
                discard(pooled.id(), "the server is stopping");
            }
        }
    }

    /**
     * Claims a pooled sandbox of this shape, renamed to {@code sandboxId} and running; empty when
     * the pool holds no such shape or has none ready.
     */
    public Optional<RuntimeSandbox> claim(String template, long cpuMillis, long memoryBytes, boolean network, String sandboxId) {
        Slot slot = slots.get(template);
        if (slot == null || !slot.fits(cpuMillis, memoryBytes, network)) {
            return Optional.empty();
        }
        try {
            for (Pooled pooled; (pooled = slot.idle.pollFirst()) != null; ) {
                if (expired(pooled)) {
                    discardLater(pooled.id(), "it is older than warmPool.maxAgeSeconds");
                    continue;
                }
                RuntimeSandbox claimed;
                try {
                    claimed = runtime.rename(pooled.id(), sandboxId);
                } catch (RuntimeException e) {
                    LOG.warn("pooled sandbox {} could not be claimed, discarding it: {}", pooled.id(), e.getMessage());
                    // The rename may have happened before the failure: the new name is freed too.
                    discard(pooled.id(), "its claim failed");
                    discard(sandboxId, "its claim failed");
                    continue;
                }
                held.remove(pooled.id());
                if (claimed.state() != RuntimeState.RUNNING) {
                    // It died while idle (the engine restarted, say): never hand out a dead sandbox.
                    discard(sandboxId, "it was no longer running");
                    continue;
                }
                metrics.hit(template);
                return Optional.of(claimed);
            }
            metrics.miss(template);
            return Optional.empty();
        } finally {
            try {
                ticker.schedule(() -> refill(slot), refillDelayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the server is stopping: no refill
            }
        }
    }

    /** Whether this process holds {@code sandboxId} in its pool (the reconciler leaves those alone). */
    public boolean holds(String sandboxId) {
        return held.contains(sandboxId);
    }

    /** Per template: how many sandboxes the pool keeps, holds ready and is starting. */
    public record TemplateStats(int target, int ready, int creating) {
    }

    public Map<String, TemplateStats> stats() {
        Map<String, TemplateStats> stats = new LinkedHashMap<>();
        slots.forEach((name, slot) -> stats.put(name, new TemplateStats(slot.size, slot.idle.size(), slot.starting.get())));
        return stats;
    }

    /** Idle sandboxes by template. */
    public Map<String, Integer> idle() {
        Map<String, Integer> idle = new LinkedHashMap<>();
        slots.forEach((name, slot) -> idle.put(name, slot.idle.size()));
        return idle;
    }

    private void tick() {
        for (Slot slot : slots.values()) {
            // The oldest are at the front.
            for (Pooled pooled; (pooled = slot.idle.peekFirst()) != null && expired(pooled); ) {
                if (slot.idle.remove(pooled)) {
                    discard(pooled.id(), "it is older than warmPool.maxAgeSeconds");
                }
            }
            refill(slot);
        }
    }

    /** Starts as many sandboxes as the slot lacks; failures wait for the next tick. */
    private void refill(Slot slot) {
        synchronized (slot) {
            int missing = slot.size - slot.idle.size() - slot.starting.get();
            for (int i = 0; i < missing; i++) {
                slot.starting.incrementAndGet();
                try {
                    starters.execute(() -> startOne(slot));
                } catch (RejectedExecutionException stopping) {
                    slot.starting.decrementAndGet();
                    return;
                }
            }
        }
    }

    private void startOne(Slot slot) {
        if (stopping) {
            slot.starting.decrementAndGet();
            return;
        }
        String id = Ids.newId("pool");
        held.add(id);
        try {
            // Claims are made only by creates of the runtime's default isolation.
            runtime.create(new SandboxSpec(id, slot.template.image(), slot.cpuMillis, slot.memoryBytes, Map.of(),
                    slot.template.network(), Map.of(SandboxLabels.INSTALL_ID, installId, TEMPLATE_LABEL, slot.template.name()),
                    runtime.isolations().get(0), maxLifetime));
            runtime.start(id);
            if (stopping) {
                discard(id, "the server is stopping");
                return;
            }
            slot.idle.addLast(new Pooled(id, clock.millis()));
        } catch (RuntimeException e) {
            LOG.warn("starting a pooled {} sandbox failed, retrying in {} s: {}", slot.template.name(), TICK_SECONDS, e.getMessage());
            discard(id, "it failed to start");
        } finally {
            slot.starting.decrementAndGet();
        }
    }

    private boolean expired(Pooled pooled) {
        return clock.millis() - pooled.createdAt() > maxAgeMillis;
    }

    /** Off the caller's thread: a create should not wait for removals. */
    private void discardLater(String id, String why) {
        try {
            starters.execute(() -> discard(id, why));
        } catch (RejectedExecutionException stopping) {
            discard(id, why);
        }
    }

    private void discard(String id, String why) {
        try {
            runtime.remove(id);
            LOG.debug("removed pooled sandbox {}: {}", id, why);
        } catch (RuntimeException e) {
            LOG.warn("removing pooled sandbox {} failed; the reconciler will remove it: {}", id, e.getMessage());
        } finally {
            held.remove(id);
        }
    }

    private record Pooled(String id, long createdAt) {
    }

    /** One template's share of the pool. */
    private static final class Slot {
        final TemplateConfig template;
        final int size;
        final long cpuMillis;
        final long memoryBytes;
        final Deque<Pooled> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger starting = new AtomicInteger();

        Slot(TemplateConfig template, int size) {
            this.template = template;
            this.size = size;
            this.cpuMillis = Quantities.cpuMillis(template.cpus());
            this.memoryBytes = Quantities.bytes(template.memory());
        }

        boolean fits(long cpuMillis, long memoryBytes, boolean network) {
            return cpuMillis == this.cpuMillis && memoryBytes == this.memoryBytes && network == template.network();
        }
    }
}
