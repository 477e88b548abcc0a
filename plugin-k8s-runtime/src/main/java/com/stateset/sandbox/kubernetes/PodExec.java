package com.stateset.sandbox.kubernetes;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.ProcessReaper;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.TtyExecOutputErrorable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands in a sandbox pod over the Kubernetes exec API (a websocket: output streamed on its
 * channels, the exit code on the status channel). The exec API runs everything as the pod's user
 * and has no working directory, environment or kill, so each command goes through a small shell
 * wrapper that sets those, marks the command's processes with a random value in their environment,
 * and first starts a watchdog: when the command outlives its time the server kills its processes
 * with a second exec; if a fork bomb leaves no pid for that exec, the watchdog, already running,
 * stops and kills them with shell built-ins a second later.
 */
final class PodExec {

    private static final Logger LOG = LoggerFactory.getLogger(PodExec.class);
    static final String CONTAINER = "sandbox";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(10);
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(8);
    private static final Duration SHORT = Duration.ofSeconds(30);
    /** Stdin goes in messages of this size: small enough to be one websocket frame for any server. */
    private static final int STDIN_MESSAGE = 32 << 10;
    private static final Duration SENDER_PATIENCE = Duration.ofSeconds(5);

    /** {@link ProcessReaper}'s {@code reap}, choosing the processes whose environment holds {@code $marker}. */
    private static final String REAP = ProcessReaper.FUNCTION + ProcessReaper.CHOSEN_BY_MARKER;

    // Arguments: working directory, watchdog seconds, marker, then NAME=value pairs up to "--", then
    // the command. The watchdog ignores TERM once it has begun (a half-done reap would leave
    // processes stopped); the wrapper cancels it when the command ends first.
    private static final String WRAPPER = REAP + """
            cd "$1" || exit 126
            limit=$2; marker=$3; shift 3
            (
              trap 'kill $s 2>/dev/null; exit 0' TERM
              sleep "$limit" & s=$!
              wait $s
              trap '' TERM
              reap
              exit 0
            ) &
            watchdog=$!
            while [ "$1" != -- ]; do export "$1"; shift; done
            shift
            export STATESET_EXEC_ID="$marker"
            "$@" &
            wait $!
            code=$?
            kill $watchdog 2>/dev/null
            wait $watchdog
            exit $code
            """;

    // Kills every process carrying the marker, group by group, until a whole scan finds none;
    // prints "clean" when it found nothing at all.
    private static final String KILL_SCRIPT = REAP + """
            marker=$1; dirty=0; pass=0
            while [ $pass -lt 100 ]; do
              found=0
              for d in /proc/[0-9]*; do
                chosen "${d#/proc/}" || continue
                stat=''
                read -r stat 2>/dev/null < "$d/stat" || continue
                set -- ${stat##*) }
                case "$1" in Z|X) continue ;; esac
                found=1; dirty=1
                [ "$3" -gt 1 ] 2>/dev/null && kill -9 "-$3" 2>/dev/null
                kill -9 "${d#/proc/}" 2>/dev/null
              done
              [ $found = 0 ] && break
              pass=$((pass + 1))
            done
            [ $dirty = 1 ] && reap
            [ $dirty = 0 ] && echo clean
            """;

    private final KubernetesClient client;
    private final String namespace;

    PodExec(KubernetesClient client, String namespace) {
        this.client = requireNonNull(client, "client is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
    }

    ExecResult run(String pod, ExecSpec spec, ExecOutput output) {
        String marker = HexFormat.of().formatHex(randomBytes());
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "sh",
                spec.workingDir() == null ? SandboxRuntime.WORKSPACE : spec.workingDir(),
                Long.toString(spec.timeout().toSeconds() + 2), marker));
        spec.env().forEach((k, v) -> argv.add(k + "=" + v));
        argv.add("--");
        argv.addAll(spec.argv());

        OutputSink sink = new OutputSink(output);
        ExecWatch watch = start(pod, argv, false, sink.stdout(), sink.stderr());
        try {
            Integer code = await(watch.exitCode(), sink.failed, spec.timeout());
            if (code == null || sink.failure != null) {
                kill(pod, marker);
                await(watch.exitCode(), new CompletableFuture<>(), DRAIN_AFTER_KILL);
                if (sink.failure != null) {
                    throw sink.failure;
                }
                return ExecResult.timeout();
            }
            return new ExecResult(code, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(pod, marker);
            throw new SandboxRuntimeException("interrupted while running a command", e);
        } finally {
            watch.close();
        }
    }

    /**
     * Runs a short command of the server's own with {@code stdin} (or none), and answers its exit
     * code; its output goes to {@code stdout} and {@code stderr}.
     */
    int runOwn(String pod, List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr, Duration timeout) {
        ExecWatch watch = start(pod, argv, stdin != null, stdout, stderr);
        Thread sender = stdin == null ? null : Thread.ofVirtual().name("exec-stdin-" + pod).start(() -> send(stdin, watch));
        try {
            Integer code = await(watch.exitCode(), new CompletableFuture<>(), timeout);
            if (code == null) {
                throw new SandboxRuntimeException(argv.get(0) + " in pod " + pod + " did not finish within " + timeout.toSeconds() + " s");
            }
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxRuntimeException("interrupted while running a command", e);
        } finally {
            watch.close();
            if (sender != null) {
                stop(sender);
            }
        }
    }

    /** Ends a stdin sender that a stalled link still holds back, before the caller closes stdin. */
    private static void stop(Thread sender) {
        sender.interrupt();
        try {
            sender.join(SENDER_PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a command and hands back its watch; the caller reads stdout from {@link ExecWatch#getOutput()}. */
    ExecWatch startStreaming(String pod, List<String> argv, OutputStream stderr) {
        return KubernetesErrors.call(() -> client.pods().inNamespace(namespace).withName(pod).inContainer(CONTAINER)
                .redirectingOutput()
                .writingError(stderr)
                .exec(argv.toArray(String[]::new)));
    }

    private ExecWatch start(String pod, List<String> argv, boolean stdin, OutputStream stdout, OutputStream stderr) {
        return KubernetesErrors.call(() -> {
            var container = client.pods().inNamespace(namespace).withName(pod).inContainer(CONTAINER);
            TtyExecOutputErrorable io = stdin ? container.redirectingInput(STDIN_MESSAGE) : container;
            return io.writingOutput(stdout).writingError(stderr).exec(argv.toArray(String[]::new));
        });
    }

    /**
     * Sends {@code stdin} on a thread of its own, which the client holds back while its queue is
     * full (a slow link), so the command's time limit covers the sending too. If the command ends or
     * the stream breaks first, the exit code or the stream's failure tells the caller which.
     */
    private static void send(InputStream stdin, ExecWatch watch) {
        byte[] message = new byte[STDIN_MESSAGE];
        try {
            OutputStream input = watch.getInput();
            int length;
            while ((length = stdin.readNBytes(message, 0, message.length)) > 0) {
                input.write(message, 0, length);
            }
            input.flush();
        } catch (IOException | KubernetesClientException e) {
            LOG.debug("sending a command's input stopped: {}", e.getMessage());
        }
    }

    /** The exit code, or null if {@code failed} completed or the time ran out first. */
    private static Integer await(CompletableFuture<Integer> exit, CompletableFuture<Void> failed, Duration timeout)
            throws InterruptedException {
        try {
            Object first = CompletableFuture.anyOf(exit, failed).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exit.isDone() && first instanceof Integer code) {
                return code < 0 ? fail("the API server did not report the command's exit code") : code;
            }
            return null;
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            if (failed.isDone()) {
                return null;
            }
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? KubernetesErrors.translate(runtime)
                    : new SandboxRuntimeException("the command's stream failed: " + cause.getMessage(), cause);
        }
    }

    private static Integer fail(String message) {
        throw new SandboxRuntimeException(message);
    }

    /**
     * Kills every process carrying {@code marker}, running the killer until a run finds nothing left.
     * When no exec can start (a fork bomb holds every pid), the command's watchdog does the job a
     * moment after the command's time is up.
     */
    void kill(String pod, String marker) {
        long deadline = System.nanoTime() + KILL_PATIENCE.toNanos();
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                runOwn(pod, List.of("/bin/sh", "-c", KILL_SCRIPT, "sh", marker), null, out, OutputStream.nullOutputStream(), SHORT);
                if (out.toString(StandardCharsets.UTF_8).lines().anyMatch("clean"::equals)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("killer in pod {} failed: {}", pod, e.getMessage());
            }
            sleepQuietly(Math.min(200, 20L * attempt));
        }
        LOG.warn("pod {}: a command's processes could not be confirmed killed", pod);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands output to the caller's {@link ExecOutput}; remembers its first failure. */
    private static final class OutputSink {
        private final ExecOutput output;
        private final CompletableFuture<Void> failed = new CompletableFuture<>();
        private volatile RuntimeException failure;

        OutputSink(ExecOutput output) {
            this.output = output;
        }

        OutputStream stdout() {
            return new Channel(true);
        }

        OutputStream stderr() {
            return new Channel(false);
        }

        private final class Channel extends OutputStream {
            private final boolean stdout;

            Channel(boolean stdout) {
                this.stdout = stdout;
            }

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                if (failure != null) {
                    return;
                }
                try {
                    if (stdout) {
                        output.stdout(bytes, offset, length);
                    } else {
                        output.stderr(bytes, offset, length);
                    }
                } catch (RuntimeException e) {
                    failure = e;
                    failed.complete(null);
                }
            }
        }
    }
}
