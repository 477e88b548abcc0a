package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers committed events in the order it finds them: an event gets its number after its own
 * transaction committed, in a transaction that holds the installation row's lock (so two servers
 * never number at once), and numbers only grow. Readers of {@code seq > n} therefore never miss an
 * event that a later number was given before it. Woken after each commit that records events, and
 * every second besides (events another server recorded); streams wait on {@link #awaitNumbered}
 * for their own organization's events, so one busy organization does not wake everyone's streams.
 */
public final class EventSequencer implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(EventSequencer.class);
    private static final int BATCH = 500;
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Jdbi jdbi;
    private final Object signal = new Object();
    private final Object numbered = new Object();
    private volatile boolean woken;
    private volatile Thread loop;
    private volatile boolean stopping;
    /** Per organization, grows with every pass that numbered its events: unchanged, nothing was missed. */
    private final Map<String, Long> generations = new HashMap<>();

    public EventSequencer(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    /** Events were committed: number them now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** The organization's generation; read it before querying events, then {@link #awaitNumbered} with it. */
    public long generation(String orgId) {
        synchronized (numbered) {
            return generations.getOrDefault(orgId, 0L);
        }
    }

    /**
     * Waits until events of the organization were numbered after {@code seen} was its generation,
     * the server stops, or {@code timeout} passes; answers whether it is stopping.
     */
    public boolean awaitNumbered(String orgId, long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (numbered) {
            while (!stopping && generations.getOrDefault(orgId, 0L) == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                numbered.wait(Math.max(1, left / 1_000_000));
            }
        }
        return stopping;
    }

    @Override
    public void start() {
        // Events of an earlier process are numbered by the loop, first thing, in batches.
        Thread thread = Thread.ofPlatform().name("event-sequencer").daemon().unstarted(this::run);
        loop = thread;
        thread.start();
    }

    /** Tells every stream to end: the server is stopping. */
    public void endStreams() {
        stopping = true;
        synchronized (numbered) {
            numbered.notifyAll();
        }
    }

    @Override
    public void stop() throws InterruptedException {
        endStreams();
        Thread running = loop;
        loop = null;
        if (running != null) {
            running.interrupt();
            running.join(5_000);
        }
    }

    private void run() {
        while (loop == Thread.currentThread()) {
            try {
                synchronized (signal) {
                    if (!woken) {
                        signal.wait(POLL.toMillis());
                    }
                    woken = false;
                }
                number();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("numbering events failed, retrying: {}", e.getMessage());
            }
        }
    }

    /** Numbers every event still without a number, in batches; tells the streams. */
    void number() {
        Set<String> organizations = new HashSet<>();
        int done;
        do {
            done = jdbi.inTransaction(handle -> {
                handle.createQuery("SELECT id FROM installation FOR UPDATE").mapTo(String.class).list();
                long next = handle.createQuery("SELECT COALESCE(MAX(seq), 0) FROM events").mapTo(Long.class).one();
                List<Map.Entry<String, String>> rows = handle.createQuery(
                                "SELECT id, org_id FROM events WHERE seq IS NULL ORDER BY created_at, id LIMIT :n")
                        .bind("n", BATCH)
                        .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getString("org_id")))
                        .list();
                var update = handle.prepareBatch("UPDATE events SET seq = :seq WHERE id = :id AND seq IS NULL");
                for (Map.Entry<String, String> row : rows) {
                    update.bind("seq", ++next).bind("id", row.getKey()).add();
                    organizations.add(row.getValue());
                }
                if (!rows.isEmpty()) {
                    update.execute();
                }
                return rows.size();
            });
        } while (done == BATCH);
        if (!organizations.isEmpty()) {
            synchronized (numbered) {
                organizations.forEach(org -> generations.merge(org, 1L, Long::sum));
                numbered.notifyAll();
            }
        }
    }
}
