package com.stateset.sandbox.docker;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import com.stateset.sandbox.spi.runtime.agent.AgentChannel;
import com.stateset.sandbox.spi.runtime.agent.AgentChannelException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels to the sandboxes' agents, one per sandbox, each over an exec of the agent ({@code
 * stateset-agent serve} as the sandbox user) whose standard input and output carry the protocol:
 * the engine's own stream, so the channel reaches that sandbox's agent and nothing else, and no
 * socket or path of the sandbox's is ever opened by the server. A channel opens when a sandbox
 * starts (or at its first command) and is opened again after it ends (the sandbox may kill its
 * agent); a sandbox whose agent does not answer is asked again only after {@link #RETRY_AFTER},
 * its commands going through the engine's exec meanwhile. A channel unused for the idle time is
 * closed (each holds an exec stream, threads and a connection) and opened again at the next use.
 */
final class DockerAgents implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DockerAgents.class);
    /** How long an agent may take to say hello: a starting sandbox under load takes a while. */
    private static final Duration HELLO_WITHIN = Duration.ofSeconds(10);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final DockerClient docker;
    private final String user;
    private final Duration idle;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Thread sweeper;
    private volatile boolean closed;

    /** @param idle how long a channel may go unused before it is closed; zero for never */
    DockerAgents(DockerClient docker, String user, Duration idle) {
        this.docker = requireNonNull(docker, "docker is null");
        this.user = requireNonNull(user, "user is null");
        this.idle = requireNonNull(idle, "idle is null");
        this.sweeper = idle.isZero() ? null : Thread.ofVirtual().name("agent-channels-idle").start(this::closeIdle);
    }

    /** Closes the channels unused for {@link #idle}, checking at a tenth of it (a second at least, a minute at most). */
    private void closeIdle() {
        long every = Math.clamp(idle.toMillis() / 10, 1_000, 60_000);
        while (!closed) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (String sandboxId : links.keySet()) {
                Link[] removed = new Link[1];
                links.computeIfPresent(sandboxId, (id, link) -> {
                    if (link.idleFor(now) >= idle.toNanos()) {
                        removed[0] = link;
                        return null;
                    }
                    return link;
                });
                if (removed[0] != null) {
                    LOG.debug("sandbox {}: its agent's channel was idle for {} s; closed", sandboxId, idle.toSeconds());
                    removed[0].close();
                }
            }
        }
    }

    /** Starts opening the sandbox's channel, so that its first command need not wait for it. */
    void open(String sandboxId) {
        link(sandboxId);
    }

    /** The open channel to the sandbox's agent, once it has answered; null if it has none that answers. */
    AgentChannel channel(String sandboxId) {
        Link link = link(sandboxId);
        link.used();
        return link.await();
    }

    /** The sandbox is now called {@code newId}: its channel goes with it. */
    void renamed(String sandboxId, String newId) {
        Link link = links.remove(sandboxId);
        if (link != null) {
            links.put(newId, link);
        }
    }

    /** The sandbox has stopped or gone: its channel is closed. */
    void forget(String sandboxId) {
        Link link = links.remove(sandboxId);
        if (link != null) {
            link.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (sweeper != null) {
            sweeper.interrupt();
        }
        links.keySet().forEach(this::forget);
    }

    private Link link(String sandboxId) {
        Link link = links.compute(sandboxId, (id, old) -> old == null || old.stale() ? new Link() : old);
        if (link.starting()) {
            Thread.ofVirtual().name("agent-" + sandboxId).start(() -> link.opened(sandboxId, this::connect));
        }
        return link;
    }

    private AgentChannel connect(String sandboxId) {
        String execId = docker.execCreateCmd(sandboxId)
                .withCmd(AgentVolume.BINARY, "serve")
                .withUser(user)
                .withWorkingDir("/")
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        Pipe toAgent;
        Pipe fromAgent;
        try {
            toAgent = Pipe.open();
            fromAgent = Pipe.open();
        } catch (IOException e) {
            throw new AgentChannelException("no pipe for the agent's channel: " + e.getMessage(), e);
        }
        OutputStream received = Channels.newOutputStream(fromAgent.sink());
        ResultCallback.Adapter<Frame> stream = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                // The agent's standard error is its own business; its standard output is the protocol.
                if (frame.getStreamType() == StreamType.STDOUT || frame.getStreamType() == StreamType.RAW) {
                    try {
                        received.write(frame.getPayload());
                    } catch (IOException channelClosed) {
                        closeQuietly(this);
                    }
                }
            }

            @Override
            public void onComplete() {
                closeQuietly(received);
                super.onComplete();
            }

            @Override
            public void onError(Throwable throwable) {
                closeQuietly(received);
                super.onError(throwable);
            }
        };
        OutputStream toAgentStream = Channels.newOutputStream(toAgent.sink());
        InputStream fromAgentStream = Channels.newInputStream(fromAgent.source());
        Closeable transport = () -> {
            closeQuietly(toAgentStream);
            closeQuietly(stream);
            closeQuietly(received);
            closeQuietly(fromAgentStream);
        };
        try {
            docker.execStartCmd(execId).withStdIn(Channels.newInputStream(toAgent.source())).exec(stream);
        } catch (RuntimeException e) {
            closeQuietly(transport);
            throw e;
        }
        return AgentChannel.open(fromAgentStream, toAgentStream, transport, HELLO_WITHIN);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing part of an agent's channel failed", e);
        }
    }

    /** One sandbox's channel: being opened, open, or failed (and when). */
    private static final class Link {
        private final CompletableFuture<AgentChannel> channel = new CompletableFuture<>();
        private final long createdNanos = System.nanoTime();
        private volatile long usedNanos = createdNanos;
        private boolean started;

        void used() {
            usedNanos = System.nanoTime();
        }

        /**
         * How long the channel has been open with nothing in flight; 0 while opening or failed, and
         * while something is in flight (which counts as a use, so a long command's end starts the clock).
         */
        long idleFor(long now) {
            AgentChannel open = channel.getNow(null);
            if (open == null) {
                return 0;
            }
            if (!open.isIdle()) {
                usedNanos = now;
                return 0;
            }
            return now - usedNanos;
        }

        synchronized boolean starting() {
            if (started) {
                return false;
            }
            started = true;
            return true;
        }

        void opened(String sandboxId, java.util.function.Function<String, AgentChannel> connect) {
            try {
                AgentChannel open = connect.apply(sandboxId);
                LOG.debug("sandbox {}: agent {} answered", sandboxId, open.agentVersion());
                channel.complete(open);
            } catch (RuntimeException e) {
                LOG.info("sandbox {}: no agent answered ({}); its commands go through the engine's exec", sandboxId, e.getMessage());
                channel.complete(null);
            }
        }

        AgentChannel await() {
            try {
                return channel.get(HELLO_WITHIN.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** Whether to open anew: the channel ended, or none answered long enough ago. */
        boolean stale() {
            if (!channel.isDone()) {
                return false;
            }
            AgentChannel open = channel.getNow(null);
            return open == null ? System.nanoTime() - createdNanos > RETRY_AFTER.toNanos() : !open.isOpen();
        }

        void close() {
            channel.thenAccept(open -> {
                if (open != null) {
                    open.close();
                }
            });
        }
    }
}
