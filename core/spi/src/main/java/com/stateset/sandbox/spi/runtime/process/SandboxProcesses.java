package com.stateset.sandbox.spi.runtime.process;

import com.stateset.sandbox.spi.Experimental;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A sandbox's background processes. They run as the sandbox user, outlive the request and the
 * server's connection that started them (not the sandbox, nor a reap of its processes), and keep
 * the last {@link ProcessSpec#bufferBytes()} of their output; past that the oldest bytes are
 * dropped. A runtime keeps at most a bounded number per sandbox (forgetting the oldest that have
 * exited to start more); the engine's limits (pids, memory) bound them as every process of the
 * sandbox.
 *
 * @throws ProcessNotFoundException from each method that names a process the sandbox does not keep
 * @throws ProcessRefusedException when the sandbox cannot do what is asked (an exited process
 *     signalled, too many processes), with the reason
 * @throws ProcessesUnavailableException if the sandbox's agent went away
 */
@Experimental
public interface SandboxProcesses {

    ProcessInfo start(ProcessSpec spec);

    /** Every process the sandbox keeps, oldest first. */
    List<ProcessInfo> list();

    default ProcessInfo get(String processId) {
        return list().stream().filter(p -> p.id().equals(processId)).findFirst()
                .orElseThrow(() -> new ProcessNotFoundException(processId));
    }

    /** Bytes for its standard input (typed, on a terminal). */
    void write(String processId, byte[] bytes);

    /** Ends its standard input (^D on a terminal). */
    void closeInput(String processId);

    /** Signals its process group (1 to 64). */
    void signal(String processId, int signal);

    void resize(String processId, int rows, int cols);

    /**
     * Its output from {@code offset} (the oldest kept byte if that one has been dropped; the end if
     * past it) as it comes, to {@code output}.
     */
    ProcessAttachment attach(String processId, long offset, ProcessOutput output);

    /** Its exit, once it has exited within {@code timeout}; empty if it still runs then. */
    Optional<ExitStatus> await(String processId, Duration timeout);

    /** Kills its process group if it runs, and forgets it. */
    void remove(String processId);
}
