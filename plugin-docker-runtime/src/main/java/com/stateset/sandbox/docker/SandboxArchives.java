package com.stateset.sandbox.docker;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.ArchiveEntries;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxFileException.Reason;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in and out of a sandbox as tar streams through the Docker archive API, which acts as root.
 * Two rules keep it to the sandbox user's permissions:
 *
 * <ul>
 *   <li><b>Writes</b> never extract where the sandbox could have planted a symbolic link. The tar is
 *       extracted into an inbox, {@value #INBOX}: a root-owned directory the user can write into but
 *       not list, created before any of the owner's commands run, under a directory named by 128
 *       random bits. One {@code tar} run as the user then copies what was staged to its
 *       destinations, so a destination the user cannot write (or a link planted to lead out of the
 *       writable areas) is refused by the kernel, and what is written belongs to the user.
 *   <li><b>Reads</b> first ask the kernel, as the sandbox user, whether the user may read the path
 *       (directories on the way included); then each entry's owner and mode, as the archive API
 *       reports them for the file actually read, are checked against the user, so a file swapped in
 *       meanwhile is refused too (or left out of a directory's tar). Links inside a directory's tar
 *       are passed on as links, never followed.
 * </ul>
 */
final class SandboxArchives {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxArchives.class);
    static final String INBOX = "/tmp/.sandbox-inbox";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration MOVE_TIMEOUT = Duration.ofMinutes(2);

    // Arguments: the inbox, the staged directory, and how to treat what exists: --skip-old-files
    // keeps it; --no-overwrite-dir replaces files (removed first, never written through, as tar does
    // by default) but keeps existing directories' owner and mode. The list of
    // names to copy (NUL-separated, in archive order) sits beside the staged directory. Links are
    // copied as links.
    private static final String EXTRACT_SCRIPT = """
            inbox=$1; batch=$2; existing=$3
            cd "$inbox/$batch" || exit 1
            tar --null --no-recursion -T "$inbox/$batch.list" -cf - | tar -C / -xpf - "$existing"
            status=$?
            cd / && rm -rf -- "$inbox/$batch" "$inbox/$batch.list"
            exit $status
            """;

    private final DockerClient docker;
    private final DockerExec exec;
    private final int uid;
    private final int gid;

    SandboxArchives(DockerClient docker, DockerExec exec, int uid, int gid) {
        this.docker = requireNonNull(docker, "docker is null");
        this.exec = requireNonNull(exec, "exec is null");
        this.uid = uid;
        this.gid = gid;
    }

    /** Creates the inbox: root-owned, mode 1733 (write and search for all, listing for none, sticky). */
    void createInbox(String sandboxId) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry dir = new TarArchiveEntry(INBOX.substring("/tmp/".length()) + "/");
            dir.setIds(0, 0);
            dir.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | 01733);
            out.putArchiveEntry(dir);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        put(sandboxId, "/tmp", new ByteArrayInputStream(tar.toByteArray()));
    }

    void write(String sandboxId, InputStream source, boolean overwrite) {
        String batch = HexFormat.of().formatHex(randomBytes());
        AtomicReference<RuntimeException> invalid = new AtomicReference<>();
        AtomicBoolean staged = new AtomicBoolean();

        PipedInputStream stagedTar = new PipedInputStream(64 * 1024);
        PipedOutputStream sink;
        try {
            sink = new PipedOutputStream(stagedTar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicReference<IOException> sourceFailed = new AtomicReference<>();
        InputStream watched = new java.io.FilterInputStream(source) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                try {
                    return super.read(buffer, offset, length);
                } catch (IOException e) {
                    sourceFailed.compareAndSet(null, e);
                    throw e;
                }
            }
        };
        Thread stager = Thread.ofVirtual().name("stage-" + sandboxId).start(() -> {
            try (TarArchiveInputStream in = new TarArchiveInputStream(watched);
                    TarArchiveOutputStream out = new TarArchiveOutputStream(sink)) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                staged.set(true);
                new Stage(batch, out).copy(in);
            } catch (RuntimeException e) {
                invalid.set(e);
                closeQuietly(sink);
            } catch (IOException e) {
                invalid.set(new UncheckedIOException("reading the tar stream failed", e));
                closeQuietly(sink);
            }
        });
        try {
            put(sandboxId, INBOX, stagedTar);
        } catch (RuntimeException e) {
            // Close the reading end first: a stager blocked on a full pipe then fails and ends.
            closeQuietly(stagedTar);
            join(stager);
            discard(sandboxId, batch, staged.get());
            // An invalid entry or a source that failed (a client's body cut short) explains the
            // failure, not the engine's complaint of a tar that ended; a broken pipe is only our own close.
            if (invalid.get() instanceof SandboxFileException refused) {
                throw refused;
            }
            if (sourceFailed.get() != null) {
                throw new UncheckedIOException("reading the tar stream failed", sourceFailed.get());
            }
            throw e;
        } finally {
            closeQuietly(stagedTar);
        }
        join(stager);
        if (invalid.get() != null) {
            discard(sandboxId, batch, staged.get());
            throw invalid.get();
        }
        extract(sandboxId, batch, overwrite);
    }

    /**
     * The staged copy of one write: every entry under the batch directory, owned by the sandbox
     * user, with the directories on the way made explicit (so that the user can remove them), and
     * last the list of what to copy.
     */
    private final class Stage {
        private final String batch;
        private final TarArchiveOutputStream out;
        private final Set<String> directories = new HashSet<>();
        private final Set<String> files = new HashSet<>();
        private final Set<String> links = new HashSet<>();
        private final ByteArrayOutputStream list = new ByteArrayOutputStream();

        Stage(String batch, TarArchiveOutputStream out) {
            this.batch = batch;
            this.out = out;
        }

        void copy(TarArchiveInputStream in) throws IOException {
            directory(batch + "/", 0700);
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String target = ArchiveEntries.path(entry.getName());
                String name = target.substring(1);
                for (String link : links) {
                    if (name.startsWith(link + "/")) {
                        throw new SandboxFileException(Reason.OTHER, target, target + ": lies beneath the link /" + link
                                + " written by the same archive");
                    }
                }
                parents(name);
                TarArchiveEntry copy;
                if (entry.isDirectory()) {
                    copy = owned(new TarArchiveEntry(batch + "/" + name + "/", TarConstants.LF_DIR), entry.getMode());
                    directories.add(name);
                } else if (entry.isSymbolicLink()) {
                    copy = owned(new TarArchiveEntry(batch + "/" + name, TarConstants.LF_SYMLINK), 0777);
                    copy.setLinkName(ArchiveEntries.linkTarget(entry.getName(), entry.getLinkName()));
                    links.add(name);
                } else if (entry.isLink()) {
                    String linked = ArchiveEntries.path(entry.getLinkName()).substring(1);
                    if (!files.contains(linked)) {
                        throw new SandboxFileException(Reason.OTHER, target,
                                target + ": a hard link must point to a file written earlier in the same archive");
                    }
                    copy = owned(new TarArchiveEntry(batch + "/" + name, TarConstants.LF_LINK), entry.getMode());
                    copy.setLinkName(batch + "/" + linked);
                } else if (isRegularFile(entry)) {
                    copy = owned(new TarArchiveEntry(batch + "/" + name), entry.getMode());
                    copy.setSize(entry.getSize());
                    files.add(name);
                } else {
                    throw new SandboxFileException(Reason.NOT_A_REGULAR_FILE, target,
                            target + ": only files, directories and links can be written");
                }
                copy.setModTime(entry.getModTime());
                out.putArchiveEntry(copy);
                if (isRegularFile(copy)) {
                    in.transferTo(out);
                }
                out.closeArchiveEntry();
                list.write(name.getBytes(StandardCharsets.UTF_8));
                list.write(0);
            }
            TarArchiveEntry names = owned(new TarArchiveEntry(batch + ".list"), 0600);
            names.setSize(list.size());
            out.putArchiveEntry(names);
            list.writeTo(out);
            out.closeArchiveEntry();
        }

        /** Stages the directories on the way to {@code name} that the archive did not list itself. */
        private void parents(String name) throws IOException {
            int slash = name.indexOf('/');
            while (slash > 0) {
                String parent = name.substring(0, slash);
                if (directories.add(parent)) {
                    directory(batch + "/" + parent + "/", 0755);
                }
                slash = name.indexOf('/', slash + 1);
            }
        }

        private void directory(String name, int mode) throws IOException {
            out.putArchiveEntry(owned(new TarArchiveEntry(name, TarConstants.LF_DIR), mode));
            out.closeArchiveEntry();
        }

        private TarArchiveEntry owned(TarArchiveEntry entry, int mode) {
            entry.setIds(uid, gid);
            entry.setMode(entry.getMode() & ~07777 | mode & 07777);
            return entry;
        }
    }

    private void extract(String sandboxId, String batch, boolean overwrite) {
        List<String> argv = List.of("/bin/sh", "-c", EXTRACT_SCRIPT, "sh", INBOX, batch,
                overwrite ? "--no-overwrite-dir" : "--skip-old-files");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ExecResult result = exec.run(sandboxId, new ExecSpec(argv, Map.of("PATH", SandboxRuntime.SYSTEM_PATH), "/", MOVE_TIMEOUT), new BoundedStderr(stderr));
        if (result.exitCode() == 0) {
            return;
        }
        throw ArchiveEntries.extractFailure(stderr.toString(StandardCharsets.UTF_8));
    }

    /** Removes what a failed write staged (best effort: it belongs to the user anyway). */
    private void discard(String sandboxId, String batch, boolean staged) {
        if (!staged) {
            return;
        }
        List<String> argv = List.of("rm", "-rf", "--", INBOX + "/" + batch, INBOX + "/" + batch + ".list");
        try {
            exec.run(sandboxId, new ExecSpec(argv, Map.of("PATH", SandboxRuntime.SYSTEM_PATH), "/", MOVE_TIMEOUT), ExecOutput.DISCARD);
        } catch (RuntimeException e) {
            LOG.debug("discarding staged files in {} failed", sandboxId, e);
        }
    }

    InputStream read(String sandboxId, String path) {
        checkReadableByUser(sandboxId, path);
        InputStream raw;
        try {
            raw = docker.copyArchiveFromContainerCmd(sandboxId, path).exec();
        } catch (NotFoundException e) {
            throw new SandboxFileException(Reason.NOT_FOUND, path, path + ": no such file or directory");
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        return new ReadableTarFilter(raw, path, uid, gid).open();
    }

    /**
     * Asks the kernel, as the sandbox user, whether it may read {@code path}: that covers what the
     * tar headers cannot show, such as a directory on the way the user cannot enter, or a link on
     * the way into one.
     */
    private void checkReadableByUser(String sandboxId, String path) {
        List<String> argv = List.of("/bin/sh", "-c",
                "[ -e \"$1\" ] || [ -L \"$1\" ] || exit 2; [ -r \"$1\" ] || exit 13", "sh", path);
        int code = exec.run(sandboxId, new ExecSpec(argv, Map.of("PATH", SandboxRuntime.SYSTEM_PATH), "/", MOVE_TIMEOUT), ExecOutput.DISCARD).exitCode();
        if (code == 2) {
            throw new SandboxFileException(Reason.NOT_FOUND, path, path + ": no such file or directory");
        }
        if (code != 0) {
            throw new SandboxFileException(Reason.PERMISSION_DENIED, path, path + ": permission denied");
        }
    }

    private void put(String sandboxId, String directory, InputStream tar) {
        try {
            docker.copyArchiveToContainerCmd(sandboxId)
                    .withRemotePath(directory)
                    .withTarInputStream(tar)
                    .withNoOverwriteDirNonDir(true)
                    .exec();
        } catch (NotFoundException e) {
            throw new SandboxMissingException(sandboxId);
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("no space left on device")) {
                throw new SandboxFileException(Reason.NO_SPACE, directory, "no space left on device");
            }
            throw DockerErrors.translate(e);
        }
    }

    /** Regular files only: commons-compress's isFile() also says yes to links and devices. */
    static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM) && !entry.getName().endsWith("/");
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxRuntimeException("interrupted while writing files", e);
        }
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("close failed", e);
        }
    }

    /** Keeps the first 16 KiB of stderr, enough to say why a move failed. */
    private record BoundedStderr(ByteArrayOutputStream buffer) implements ExecOutput {
        private static final int LIMIT = 16 * 1024;

        @Override
        public void stdout(byte[] bytes, int offset, int length) {
        }

        @Override
        public void stderr(byte[] bytes, int offset, int length) {
            int room = LIMIT - buffer.size();
            if (room > 0) {
                buffer.write(bytes, offset, Math.min(room, length));
            }
        }
    }
}
