package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers committed events in the order it finds them: an event gets its number after its own
 * transaction committed, in a transaction that holds the installation row's lock (so two servers
 * never number at once), and numbers only grow. Readers of {@code seq > n} therefore never miss an
 * event that a later number was given before it. Woken after each commit that records events, and
 * every second besides (events another server recorded); streams wait on {@link #awaitNumbered}.
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
    /** Grows with every pass that numbered events: a reader that saw it unchanged has missed nothing. */
    private long generation;

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

    /** The current generation; read it before querying events, then {@link #awaitNumbered} with it. */
    public long generation() {
        synchronized (numbered) {
            return generation;
        }
    }

    /**
     * Waits until events were numbered after {@code seen} was the generation, the server stops, or
     * {@code timeout} passes; answers whether it is stopping.
     */
    public boolean awaitNumbered(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (numbered) {
            while (!stopping && generation == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                numbered.wait(Math.max(1, left / 1_000_000));
            }
        }
        return stopping;
    }

    public boolean stopping() {
        return stopping;
    }

    @Override
    public void start() {
        number(); // events of an earlier process, before any stream reads
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
        int done;
        int total = 0;
        do {
            done = jdbi.inTransaction(handle -> {
                handle.createQuery("SELECT id FROM installation FOR UPDATE").mapTo(String.class).list();
                long next = handle.createQuery("SELECT COALESCE(MAX(seq), 0) FROM events").mapTo(Long.class).one();
                List<String> ids = handle.createQuery("SELECT id FROM events WHERE seq IS NULL ORDER BY created_at, id LIMIT :n")
                        .bind("n", BATCH).mapTo(String.class).list();
                var update = handle.prepareBatch("UPDATE events SET seq = :seq WHERE id = :id AND seq IS NULL");
                for (String id : ids) {
                    update.bind("seq", ++next).bind("id", id).add();
                }
                if (!ids.isEmpty()) {
                    update.execute();
                }
                return ids.size();
            });
            total += done;
        } while (done == BATCH);
        if (total > 0) {
            synchronized (numbered) {
                generation++;
                numbered.notifyAll();
            }
        }
    }
}
