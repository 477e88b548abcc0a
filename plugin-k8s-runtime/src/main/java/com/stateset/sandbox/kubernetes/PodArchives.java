package com.stateset.sandbox.kubernetes;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.runtime.ArchiveEntries;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxFileException.Reason;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Files in and out of a sandbox pod as tar streams over exec. Every exec runs as the pod's
 * non-root user, so {@code tar} itself can write and read only what that user may: a link planted
 * to lead out of the writable areas, or a file the user cannot read, is refused by the kernel.
 *
 * <p>Writes: the server first checks and rewrites the archive (only files, directories and links;
 * hard links only to files written earlier in it; nothing beneath a link it wrote), spools it to a
 * temporary file, and sends exactly that many bytes: the exec API (channel protocol v4) cannot
 * close a command's stdin, so {@code head -c} ends the input for {@code tar}.
 */
final class PodArchives {

    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration READ_START = Duration.ofSeconds(30);
    private static final int MISSING = 44;
    private static final int UNREADABLE = 45;

    // Arguments: how many bytes the archive has, and how to treat what exists (--skip-old-files
    // keeps it; --no-overwrite-dir replaces files but keeps existing directories' mode).
    private static final String EXTRACT_SCRIPT = "PATH=" + SandboxRuntime.SYSTEM_PATH
            + "; head -c \"$1\" | tar -C / -xpf - --no-same-owner \"$2\"";
    // Arguments: the path. Answers 44 when it does not exist and 45 when the user cannot read it,
    // before any output; then the tar of it, named from its parent directory.
    private static final String READ_SCRIPT = "PATH=" + SandboxRuntime.SYSTEM_PATH + "\n" + """
            [ -e "$1" ] || [ -L "$1" ] || exit 44
            [ -r "$1" ] || [ -L "$1" ] || exit 45
            [ -d "$1" ] && { [ -x "$1" ] || exit 45; }
            cd "$(dirname "$1")" || exit 45
            exec tar -cf - --ignore-failed-read -- "$(basename "$1")" 2>/dev/null
            """;

    private final PodExec exec;

    PodArchives(PodExec exec) {
        this.exec = requireNonNull(exec, "exec is null");
    }

    void write(String pod, InputStream source, boolean overwrite) {
        Path spool = null;
        try {
            spool = Files.createTempFile("sandbox-write-", ".tar");
            try (TarArchiveInputStream in = new TarArchiveInputStream(source);
                    TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(spool))) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                new Checked(out).copy(in);
            }
            long size = Files.size(spool);
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int code;
            try (InputStream tar = Files.newInputStream(spool)) {
                code = exec.runOwn(pod, List.of("/bin/sh", "-c", EXTRACT_SCRIPT, "sh", Long.toString(size),
                        overwrite ? "--no-overwrite-dir" : "--skip-old-files"), tar, OutputStream.nullOutputStream(),
                        new Bounded(stderr), WRITE_TIMEOUT);
            }
            if (code != 0) {
                throw ArchiveEntries.extractFailure(stderr.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the tar stream failed", e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException ignored) {
                    // the temporary directory's own cleaning takes it
                }
            }
        }
    }

    /** Copies an archive, refusing any entry the SPI does not accept; names stay relative to {@code /}. */
    private static final class Checked {
        private final TarArchiveOutputStream out;
        private final Set<String> files = new HashSet<>();
        private final Set<String> links = new HashSet<>();

        Checked(TarArchiveOutputStream out) {
            this.out = out;
        }

        void copy(TarArchiveInputStream in) throws IOException {
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
                TarArchiveEntry copy;
                if (entry.isDirectory()) {
                    copy = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
                    copy.setMode(entry.getMode());
                } else if (entry.isSymbolicLink()) {
                    copy = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    copy.setLinkName(ArchiveEntries.linkTarget(entry.getName(), entry.getLinkName()));
                    links.add(name);
                } else if (entry.isLink()) {
                    String linked = ArchiveEntries.path(entry.getLinkName()).substring(1);
                    if (!files.contains(linked)) {
                        throw new SandboxFileException(Reason.OTHER, target,
                                target + ": a hard link must point to a file written earlier in the same archive");
                    }
                    copy = new TarArchiveEntry(name, TarConstants.LF_LINK);
                    copy.setLinkName(linked);
                } else if (isRegularFile(entry)) {
                    copy = new TarArchiveEntry(name);
                    copy.setMode(entry.getMode());
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
            }
        }
    }

    /**
     * A tar of {@code path} as the sandbox user reads it. Fails before returning when the path is
     * missing or unreadable; the caller closes the stream.
     */
    InputStream read(String pod, String path) {
        ExecWatch watch = exec.startStreaming(pod, List.of("/bin/sh", "-c", READ_SCRIPT, "sh", path), OutputStream.nullOutputStream());
        PushbackInputStream out = new PushbackInputStream(watch.getOutput(), 1);
        int first;
        try {
            first = out.read();
        } catch (IOException e) {
            // The stream reports "closed" when the command ended without output.
            first = -1;
        }
        if (first < 0) {
            int code = exitCode(watch);
            watch.close();
            if (code == MISSING) {
                throw new SandboxFileException(Reason.NOT_FOUND, path, path + ": no such file or directory");
            }
            if (code == UNREADABLE) {
                throw new SandboxFileException(Reason.PERMISSION_DENIED, path, path + ": permission denied");
            }
            throw new SandboxFileException(Reason.OTHER, path, path + ": could not be read (exit code " + code + ")");
        }
        try {
            out.unread(first);
        } catch (IOException e) {
            watch.close();
            throw new SandboxRuntimeException("reading " + path + " failed: " + e.getMessage(), e);
        }
        return new FilterInputStream(out) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    watch.close();
                }
            }
        };
    }

    private static int exitCode(ExecWatch watch) {
        try {
            Integer code = watch.exitCode().get(READ_START.toMillis(), TimeUnit.MILLISECONDS);
            return code == null ? -1 : code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxRuntimeException("interrupted while reading files", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SandboxRuntimeException("the read's exit code was not reported", e);
        }
    }

    /** Regular files only: commons-compress's isFile() also says yes to links and devices. */
    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM) && !entry.getName().endsWith("/");
    }

    /** Keeps the first 16 KiB of stderr, enough to say why a write failed. */
    private static final class Bounded extends OutputStream {
        private static final int LIMIT = 16 * 1024;
        private final ByteArrayOutputStream buffer;

        Bounded(ByteArrayOutputStream buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            int room = LIMIT - buffer.size();
            if (room > 0) {
                buffer.write(bytes, offset, Math.min(room, length));
            }
        }
    }
}
