package com.stateset.sandbox.spi.runtime.agent;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.process.ExitStatus;
import com.stateset.sandbox.spi.runtime.process.ProcessAttachment;
import com.stateset.sandbox.spi.runtime.process.ProcessInfo;
import com.stateset.sandbox.spi.runtime.process.ProcessNotFoundException;
import com.stateset.sandbox.spi.runtime.process.ProcessOutput;
import com.stateset.sandbox.spi.runtime.process.ProcessRefusedException;
import com.stateset.sandbox.spi.runtime.process.ProcessSpec;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Background processes through a channel to the sandbox's agent, which keeps them (see
 * agent/README.md). Every answer is checked as strictly as the channel's other frames: an answer
 * of the wrong type ends the channel.
 */
final class AgentProcesses implements SandboxProcesses {

    /** How long a request may take: the agent answers at once, whatever the process does. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    /** What one input frame carries at most: the agent queues 64 frames for a process. */
    private static final int INPUT_CHUNK = 32 * 1024;
    private static final Pattern NOT_FOUND = Pattern.compile("no process [0-9a-f]{12}");

    private final AgentChannel channel;

    AgentProcesses(AgentChannel channel) {
        this.channel = requireNonNull(channel, "channel is null");
    }

    @Override
    public ProcessInfo start(ProcessSpec spec) {
        String dir = spec.workingDir() == null ? SandboxRuntime.WORKSPACE : spec.workingDir();
        AgentFrames.Frame answer = answer(AgentFrames.SPAWN, AgentFrames.spawn(spec, dir), null);
        return decode(answer, AgentFrames.PROCESS, AgentFrames::process);
    }

    @Override
    public List<ProcessInfo> list() {
        return decode(answer(AgentFrames.LIST, new byte[0], null), AgentFrames.PROCESSES, AgentFrames::processes);
    }

    @Override
    public void write(String processId, byte[] bytes) {
        requireId(processId);
        for (int from = 0; from < bytes.length; from += INPUT_CHUNK) {
            byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + INPUT_CHUNK));
            done(AgentFrames.PROC_INPUT, AgentFrames.processId(processId, chunk), processId);
        }
    }

    @Override
    public void closeInput(String processId) {
        done(AgentFrames.PROC_INPUT_EOF, AgentFrames.processId(requireId(processId)), processId);
    }

    @Override
    public void signal(String processId, int signal) {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal must be 1 to 64, not " + signal);
        }
        done(AgentFrames.PROC_SIGNAL, AgentFrames.processId(requireId(processId), AgentFrames.number(signal)), processId);
    }

    @Override
    public void resize(String processId, int rows, int cols) {
        TerminalSpec.requireSide("rows", rows);
        TerminalSpec.requireSide("cols", cols);
        done(AgentFrames.PROC_RESIZE, AgentFrames.processId(requireId(processId), AgentFrames.size(rows, cols)), processId);
    }

    @Override
    public void remove(String processId) {
        done(AgentFrames.REMOVE, AgentFrames.processId(requireId(processId)), processId);
    }

    @Override
    public Optional<ExitStatus> await(String processId, Duration timeout) {
        AgentFrames.Frame answer = channel.request(AgentFrames.WAIT, AgentFrames.processId(requireId(processId)), timeout);
        if (answer == null) {
            return Optional.empty();
        }
        return Optional.of(decode(refusal(answer, processId), AgentFrames.EXIT, AgentFrames::exitStatus));
    }

    @Override
    public ProcessAttachment attach(String processId, long offset, ProcessOutput output) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        requireNonNull(output, "output is null");
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        int stream = channel.follow(AgentFrames.ATTACH, AgentFrames.attach(requireId(processId), offset), output, exit);
        CompletableFuture<ExitStatus> ended = exit.exceptionallyCompose(failure -> {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof AgentCommandNotStartedException refused) {
                return CompletableFuture.failedFuture(NOT_FOUND.matcher(refused.getMessage()).matches()
                        ? new ProcessNotFoundException(processId) : new ProcessRefusedException(refused.getMessage()));
            }
            return CompletableFuture.failedFuture(cause);
        });
        return new ProcessAttachment() {
            @Override
            public CompletableFuture<ExitStatus> exit() {
                return ended;
            }

            @Override
            public void close() {
                channel.unfollow(stream);
            }
        };
    }

    /** Sends a request that is answered Done. */
    private void done(byte type, byte[] payload, String processId) {
        decode(answer(type, payload, processId), AgentFrames.DONE, p -> {
            if (p.length != 0) {
                throw new AgentFrames.AgentProtocolException("a Done with " + p.length + " bytes");
            }
            return null;
        });
    }

    /** The request's answer, an Error turned into the exception it means. */
    private AgentFrames.Frame answer(byte type, byte[] payload, String processId) {
        AgentFrames.Frame answer = channel.request(type, payload, ANSWER_WITHIN);
        if (answer == null) {
            throw channel.broken("nothing within " + ANSWER_WITHIN.toSeconds() + " s");
        }
        return refusal(answer, processId);
    }

    private AgentFrames.Frame refusal(AgentFrames.Frame answer, String processId) {
        if (answer.type() != AgentFrames.ERROR) {
            return answer;
        }
        String message;
        try {
            message = AgentFrames.text(answer.payload());
        } catch (AgentFrames.AgentProtocolException e) {
            throw channel.broken("an error that is not UTF-8");
        }
        if (processId != null && message.equals("no process " + processId)) {
            throw new ProcessNotFoundException(processId);
        }
        throw new ProcessRefusedException(message);
    }

    private <T> T decode(AgentFrames.Frame answer, byte type, Decoder<T> decoder) {
        if (answer.type() != type) {
            throw channel.broken("a frame of type " + (answer.type() & 0xff) + " where " + (type & 0xff) + " was due");
        }
        try {
            return decoder.decode(answer.payload());
        } catch (IOException e) {
            throw channel.broken(e.getMessage());
        }
    }

    /** A process id as the agent makes them; anything else names no process (and is never sent). */
    private static String requireId(String processId) {
        if (processId == null || !AgentFrames.PROCESS_ID.matcher(processId).matches()) {
            throw new ProcessNotFoundException(String.valueOf(processId));
        }
        return processId;
    }

    @FunctionalInterface
    private interface Decoder<T> {
        T decode(byte[] payload) throws IOException;
    }
}
