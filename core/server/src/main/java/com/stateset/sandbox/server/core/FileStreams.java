package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.api.FilesResponse;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.FileEvent;
import com.stateset.sandbox.spi.runtime.FileWatch;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Files as plain byte streams, end to end in bounded memory: a file's bytes in and out (no JSON,
 * no base64), a directory out as a tar. The same paths as the file API (inside the writable areas),
 * and the same path to the sandbox: writes through the runtime's archive write (extracted, then
 * moved into place as the sandbox user), reads through its archive read (what the sandbox user may
 * read, and nothing a link leads to outside).
 */
public final class FileStreams {

    private static final int BLOCK = 512;

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final LimitsConfig limits;
    private final Events events;

    public FileStreams(SandboxService sandboxes, SandboxRuntime runtime, LimitsConfig limits, Events events) {
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.events = requireNonNull(events, "events is null");
    }

    /** A file's bytes, to be read (and closed) by the caller. */
    public record Download(String path, long size, InputStream content) {
    }

    public Download read(Caller caller, String id, String rawPath) {
        String path = FilePaths.resolve("path", rawPath, runtime.writableDirectories());
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        TarArchiveInputStream tar = new TarArchiveInputStream(archive(sandbox, path));
        try {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null) {
                throw DomainException.notFound(ErrorCodes.FILE_NOT_FOUND, path + ": no such file");
            }
            if (entry.isDirectory()) {
                throw DomainException.validation("path", path + " is a directory (GET /files/archive answers a tar of one)");
            }
            byte flag = entry.getLinkFlag();
            if (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM) {
                throw DomainException.validation("path", path + " is not a regular file");
            }
            return new Download(path, entry.getSize(), new ExactLength(tar, entry.getSize()));
        } catch (IOException e) {
            closeQuietly(tar);
            throw new UncheckedIOException("reading " + path + " from " + id + " failed", e);
        } catch (RuntimeException e) {
            closeQuietly(tar);
            throw e;
        }
    }

    /** A tar of a file or directory (a writable area itself included), as the runtime reads it. */
    public InputStream archive(Caller caller, String id, String rawPath) {
        String path = FilePaths.resolveDirectory("path", rawPath, runtime.writableDirectories());
        return archive(sandboxes.requireRunning(caller, id), path);
    }

    /**
     * Watches a directory (a writable area itself included) of a running sandbox, each change to
     * {@code changes} on the runtime's thread.
     */
    public FileWatch watch(Caller caller, String id, String rawPath, boolean recursive, Consumer<FileEvent> changes) {
        String path = FilePaths.resolveDirectory("path", rawPath, runtime.writableDirectories());
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        try {
            return runtime.watch(sandbox.id(), path, recursive, changes);
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        }
    }

    /**
     * Writes {@code length} bytes of {@code body} to a file, replacing what is there; the body is
     * streamed into the sandbox, never held whole.
     */
    public FilesResponse.Written write(Caller caller, String id, String rawPath, long length, InputStream body) {
        String path = FilePaths.resolve("path", rawPath, runtime.writableDirectories());
        if (length < 0) {
            throw DomainException.validation("Content-Length", "required: the body's length in bytes (no chunked bodies)");
        }
        if (length > limits.maxArtifactBytes()) {
            throw DomainException.tooLarge("Content-Length", length + " bytes; the limit is " + limits.maxArtifactBytes());
        }
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        try {
            runtime.writeArchive(sandbox.id(), oneFile(path, length, body));
        } catch (UncheckedIOException e) {
            // The runtime wrote nothing; the client's body ended early (or the client went away).
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof EOFException cutShort) {
                    throw DomainException.validation("Content-Length", "the body ended before its " + length + " bytes: "
                            + cutShort.getMessage() + "; nothing was written");
                }
            }
            throw e;
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        } catch (SandboxFileException e) {
            if (e.reason() == SandboxFileException.Reason.NO_SPACE) {
                events.record(EventTypes.RESOURCE_WARNING, sandbox.orgId(), sandbox.id(),
                        Map.of("reason", "no space left in the sandbox", "path", e.path()));
            }
            throw e;
        }
        events.record(EventTypes.FILE_WRITTEN, sandbox.orgId(), sandbox.id(), Map.of("paths", List.of(path), "count", 1,
                "bytes", length));
        return new FilesResponse.Written(path, length);
    }

    private InputStream archive(SandboxRecord sandbox, String path) {
        try {
            return runtime.readArchive(sandbox.id(), path);
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        }
    }

    /** A tar of one file, its bytes streamed from {@code body}: the header, the bytes, the padding and the end. */
    private static InputStream oneFile(String path, long length, InputStream body) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try {
            // Blocks of one record: the header (with any PAX records for a long name) is out once put.
            TarArchiveOutputStream tar = new TarArchiveOutputStream(header, BLOCK);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry = new TarArchiveEntry(path.substring(1));
            entry.setMode(0100644);
            entry.setSize(length);
            tar.putArchiveEntry(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padding = (int) ((BLOCK - length % BLOCK) % BLOCK);
        return new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream(header.toByteArray()),
                new ExactLength(body, length),
                new ByteArrayInputStream(new byte[padding + 2 * BLOCK]))));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // failing anyway
        }
    }

    /** Exactly {@code length} bytes of a stream: no more, and an error if it ends sooner. */
    private static final class ExactLength extends FilterInputStream {
        private long left;

        ExactLength(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new EOFException(left + " bytes short of the length announced");
            }
            left -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return super.skip(Math.min(n, left));
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
