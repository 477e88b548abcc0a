package com.stateset.sandbox.spi.runtime;

import com.stateset.sandbox.spi.Experimental;
import com.stateset.sandbox.spi.runtime.process.ProcessesUnavailableException;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs sandboxes: isolated, resource-limited environments executing untrusted code as a non-root
 * user. The server owns desired state; a runtime only acts and reports. Sandboxes are addressed by
 * the sandbox id the server chose, and every sandbox carries the labels of its {@link SandboxSpec}
 * so that the server can reconcile after a crash.
 *
 * <p>Every sandbox has a writable {@value #WORKSPACE} (the default working directory), a writable
 * {@code /tmp} and a writable home directory; everything else is read-only. Each of these has a size
 * limit: writing past it fails with ENOSPC inside the sandbox and never fills the host's disk.
 *
 * <p>Failures: {@link RuntimeUnavailableException} when the engine cannot be reached,
 * {@link SandboxMissingException} when the sandbox does not exist in the engine,
 * {@link SandboxFileException} for file operations refused by the sandbox's own permissions,
 * {@link SandboxRuntimeException} otherwise. Implementations must be thread-safe.
 */
public interface SandboxRuntime extends AutoCloseable {

    String WORKSPACE = "/workspace";

    /**
     * The PATH a runtime's (and the server's) own commands in a sandbox run with: the system's
     * directories only. A sandbox's own PATH may lead first to tools the sandbox wrote.
     */
    String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * The directories a sandbox can write: {@value #WORKSPACE}, {@code /tmp} and the sandbox user's
     * home. The server accepts file paths under these only.
     */
    List<String> writableDirectories();

    /**
     * The isolation levels this runtime can give a sandbox ({@link Isolations}), the default first.
     * {@link #create} is only ever asked for one of these.
     */
    default List<String> isolations() {
        return List.of(Isolations.CONTAINER);
    }

    /** Creates the sandbox without starting it. Fails if one with the same id exists. */
    void create(SandboxSpec spec);

    /** Starts a created sandbox; returns once it accepts {@link #exec} and file calls. */
    RuntimeSandbox start(String sandboxId);

    /** Stops the sandbox's processes. Idempotent: stopping a stopped sandbox does nothing. */
    void stop(String sandboxId);

    /**
     * Removes the sandbox and everything it wrote. Idempotent: removing a missing sandbox does
     * nothing. Works whatever state the sandbox is in.
     */
    void remove(String sandboxId);

    /**
     * Gives a sandbox another id, for a warm pool: sandboxes are made ahead under pool ids, without
     * a {@link SandboxLabels#SANDBOX_ID} label, and renamed when claimed. Afterwards the sandbox is
     * addressed only as {@code newId}, and {@link #list} reports it under that id; its labels stay
     * those it was created with. Throws {@link SandboxMissingException} if it does not exist and
     * {@link SandboxRuntimeException} if {@code newId} is taken.
     */
    RuntimeSandbox rename(String sandboxId, String newId);

    /** What the engine knows of one sandbox, or empty when it does not exist. */
    Optional<RuntimeSandbox> inspect(String sandboxId);

    /** Every sandbox whose labels include all of {@code labels}. */
    List<RuntimeSandbox> list(Map<String, String> labels);

    /**
     * Runs a command as the sandbox user and blocks until it exits or times out. Output is handed
     * to {@code output} as the process produces it. On timeout the command and every process it
     * started are killed and the result says so. If {@code output} throws, the command is killed and
     * the exception propagates.
     */
    ExecResult exec(String sandboxId, ExecSpec spec, ExecOutput output);

    /**
     * Starts a command on a terminal of its own as the sandbox user, for an interactive client:
     * its output goes to {@code output}'s {@code stdout} as it is written (standard error included:
     * a terminal has one output), on a thread of the runtime's; a sink that blocks holds up the
     * sandbox's other commands, so it should hand the bytes on. The terminal lives until its
     * command ends or it is closed; it has no timeout of its own (the sandbox's lifetime bounds it).
     *
     * @throws TerminalUnavailableException if the runtime cannot give this sandbox a terminal
     */
    @Experimental
    default Terminal openTerminal(String sandboxId, TerminalSpec spec, ExecOutput output) {
        throw new TerminalUnavailableException("this runtime gives no terminals");
    }

    /**
     * Watches a directory of the sandbox (and, if {@code recursive}, the directories below it, links
     * not followed) as the sandbox user: each change from the time this returns goes to
     * {@code changes}, in order, on a thread of the runtime's (a consumer that blocks holds up the
     * sandbox's other commands, so it should hand the event on).
     *
     * @throws SandboxFileException if the directory does not exist, is no directory or may not be read
     * @throws FileWatchUnavailableException if the runtime cannot watch this sandbox's files
     */
    @Experimental
    default FileWatch watch(String sandboxId, String directory, boolean recursive, Consumer<FileEvent> changes) {
        throw new FileWatchUnavailableException("this runtime watches no files");
    }

    /**
     * The sandbox's background processes (see {@link SandboxProcesses}): the runtime keeps none by
     * default.
     *
     * @throws ProcessesUnavailableException if the runtime cannot keep background processes for this sandbox
     */
    @Experimental
    default SandboxProcesses processes(String sandboxId) {
        throw new ProcessesUnavailableException("this runtime keeps no background processes");
    }

    /**
     * Extracts a tar stream into the sandbox with the sandbox user's permissions: entries are named
     * by their absolute path without the leading slash ({@code workspace/src/app.py}); regular files,
     * directories, symbolic links (created as links, whatever they point to, and never followed
     * while writing) and hard links to a file written earlier in the same stream are accepted, any
     * other kind of entry is refused; what is written belongs to the sandbox user; a write the user
     * could not make (into a directory it cannot write, or through a symbolic link out of the
     * writable areas) fails with {@link SandboxFileException} and nothing of that entry is written.
     *
     * @param overwrite whether an existing file, link or directory at an entry's path is replaced;
     *     when false such entries are skipped and what exists is kept
     */
    void writeArchive(String sandboxId, InputStream tar, boolean overwrite);

    /** {@link #writeArchive(String, InputStream, boolean)}, replacing what exists. */
    default void writeArchive(String sandboxId, InputStream tar) {
        writeArchive(sandboxId, tar, true);
    }

    /**
     * Streams a tar of {@code path} (a file or a directory, recursively) as the sandbox user could
     * read it. If {@code path} itself is missing or unreadable by that user, throws
     * {@link SandboxFileException}; unreadable entries below a directory are left out. The caller
     * closes the stream.
     */
    InputStream readArchive(String sandboxId, String path);

    /**
     * Bytes the sandbox has sent to the network since it started, as its engine counts them (for
     * metering egress): 0 for a sandbox without network and for one that is not running, whose
     * counters ended with its processes. Throws {@link SandboxMissingException} if it does not exist.
     */
    long networkEgressBytes(String sandboxId);

    /**
     * What a running sandbox uses now, from the engine's own counters. Throws
     * {@link SandboxMissingException} if it does not exist, and {@link UnsupportedOperationException}
     * from a runtime that cannot tell.
     */
    @Experimental
    default ResourceUsage usage(String sandboxId) {
        throw new UnsupportedOperationException("this runtime does not report resource usage");
    }

    /** Checks that the engine answers; throws {@link RuntimeUnavailableException} if not. */
    void ping();

    @Override
    void close();
}
