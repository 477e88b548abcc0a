package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.api.ProcessRequests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Background processes: started detached and kept by the sandbox's agent (beyond this client's
 * connection and the server's restarts), their output one log addressed by byte offset.
 */
public final class Processes {

    private static final int MAX_BROKEN_IN_A_ROW = 5;

    private final Transport http;

    Processes(Transport http) {
        this.http = http;
    }

    /** Starts a process; answers at once with its id. With {@code pty}, on a terminal of its own. */
    public ProcessRequests.View start(String sandboxId, Command command, boolean pty) {
        ProcessRequests.Start request = new ProcessRequests.Start(command.command, command.env.isEmpty() ? null : Map.copyOf(command.env),
                command.workingDir, pty, null, null, null, null);
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/processes").json(request),
                ProcessRequests.View.class);
    }

    /** The sandbox's processes, running and exited, oldest first. */
    public List<ProcessRequests.View> list(String sandboxId) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/processes"), ProcessRequests.ListView.class)
                .processes();
    }

    public ProcessRequests.View get(String sandboxId, String processId) {
        return http.json(new Transport.Call("GET", path(sandboxId, processId, "")), ProcessRequests.View.class);
    }

    /** Kills the process if it runs and forgets it with its output. */
    public void remove(String sandboxId, String processId) {
        http.json(new Transport.Call("DELETE", path(sandboxId, processId, "")), Void.class);
    }

    /** Writes to its standard input; with {@code eof}, then ends it. */
    public void input(String sandboxId, String processId, String data, boolean eof) {
        http.json(new Transport.Call("POST", path(sandboxId, processId, "/input")).json(new ProcessRequests.Input(data, eof)), Void.class);
    }

    /** Signals its process group: a name ({@code TERM}, {@code SIGINT}) or a number as text. */
    public void signal(String sandboxId, String processId, String signal) {
        http.json(new Transport.Call("POST", path(sandboxId, processId, "/signal")).json(Map.of("signal", signal)), Void.class);
    }

    /** Resizes its terminal. */
    public void resize(String sandboxId, String processId, int cols, int rows) {
        http.json(new Transport.Call("POST", path(sandboxId, processId, "/resize")).json(new ProcessRequests.Resize(cols, rows)), Void.class);
    }

    /** Waits up to {@code wait} (at most 300 s) for it to exit, then describes it (still running if it has not). */
    public ProcessRequests.View await(String sandboxId, String processId, Duration wait) {
        return http.json(new Transport.Call("POST", path(sandboxId, processId, "/wait")).query("timeout", wait.toSeconds())
                .timeout(http.atLeast(wait.plusSeconds(30))), ProcessRequests.View.class);
    }

    /**
     * Its output from byte {@code offset} (0: all that is kept), then live, then its {@code exit}. A
     * broken connection (the server restarted, the client fell behind) is resumed where it broke,
     * with no byte lost or repeated. Close the stream to stop following.
     */
    public Stream<ProcessOutput> output(String sandboxId, String processId, long offset) {
        Follower follower = new Follower(sandboxId, processId, offset);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(follower, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(follower::close);
    }

    private static String path(String sandboxId, String processId, String rest) {
        return "/sandbox/" + segment(sandboxId) + "/processes/" + segment(processId) + rest;
    }

    /**
     * One event of a process's output: {@code stdout}/{@code stderr} ({@code offset}, {@code bytes},
     * and {@code text}: them as UTF-8, a character split between chunks coming whole), {@code gap}
     * (bytes from {@code requestedOffset} were dropped: {@code lostBytes}; output goes on at
     * {@code offset}), {@code exit} ({@code exitCode}, {@code signal}) or {@code error} ({@code code}, {@code error}).
     */
    public record ProcessOutput(String type, long offset, byte[] bytes, String text, long requestedOffset, long lostBytes,
            Integer exitCode, Integer signal, String code, String error) {
    }

    /** Follows the output across reconnects, asking for base64 so that every byte is exact. */
    private final class Follower extends Pulling<ProcessOutput> {
        private final String sandboxId;
        private final String processId;
        private final Map<String, Utf8> decoders = Map.of("stdout", new Utf8(), "stderr", new Utf8());
        private long resumeAt;
        private InputStream body;
        private Iterator<ServerSentEvents.Event> events;
        private int broken;

        Follower(String sandboxId, String processId, long offset) {
            this.sandboxId = sandboxId;
            this.processId = processId;
            this.resumeAt = offset;
        }

        /** The next event, or null to try again (after a broken connection). */
        @Override
        protected ProcessOutput pull() {
            try {
                if (events == null) {
                    body = http.stream(new Transport.Call("GET", path(sandboxId, processId, "/output")).query("offset", resumeAt)
                            .query("encoding", "base64").header("Accept", "text/event-stream")).body();
                    events = new ServerSentEvents(body);
                }
                if (!events.hasNext()) {
                    throw new SandboxConnectionException("the output stream ended before the exit", null);
                }
                JsonNode event = http.json.readTree(events.next().data());
                broken = 0;
                String type = event.path("type").asText();
                switch (type) {
                    case "stdout", "stderr" -> {
                        byte[] bytes = Base64.getDecoder().decode(event.path("data").asText());
                        long offset = event.path("offset").asLong();
                        resumeAt = offset + bytes.length;
                        return new ProcessOutput(type, offset, bytes, decoders.get(type).decode(bytes), 0, 0, null, null, null, null);
                    }
                    case "gap" -> {
                        resumeAt = event.path("offset").asLong();
                        return new ProcessOutput(type, resumeAt, null, null, event.path("requested_offset").asLong(),
                                event.path("lost_bytes").asLong(), null, null, null, null);
                    }
                    case "error" -> {
                        if ("CLIENT_GONE".equals(event.path("code").asText())) {
                            reconnect(); // fell behind: resume where it did
                            return null;
                        }
                        finished = true;
                        return new ProcessOutput(type, resumeAt, null, null, 0, 0, null, null, event.path("code").asText(null),
                                event.path("error").asText(null));
                    }
                    default -> {
                        finished = true;
                        close();
                        return new ProcessOutput(type, resumeAt, null, null, 0, 0,
                                event.path("exit_code").isNull() ? null : event.path("exit_code").asInt(),
                                event.path("signal").isNull() ? null : event.path("signal").asInt(), null, null);
                    }
                }
            } catch (SandboxConnectionException | IOException e) {
                if (++broken > MAX_BROKEN_IN_A_ROW) {
                    finished = true;
                    throw new SandboxConnectionException("the output stream broke " + broken + " times in a row at offset " + resumeAt, e);
                }
                reconnect();
                pause(Duration.ofMillis(500L * broken));
                return null;
            }
        }

        private void reconnect() {
            close();
            events = null;
        }

        void close() {
            if (body != null) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // what the caller no longer reads
                }
            }
        }
    }

    /** UTF-8 across chunks: a character split between two comes whole with the second. */
    private static final class Utf8 {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] pending = new byte[0];

        String decode(byte[] bytes) {
            ByteBuffer input = ByteBuffer.allocate(pending.length + bytes.length).put(pending).put(bytes).flip();
            CharBuffer output = CharBuffer.allocate(input.remaining());
            decoder.decode(input, output, false);
            pending = new byte[input.remaining()];
            input.get(pending);
            return output.flip().toString();
        }
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while following a process's output", e);
        }
    }
}
