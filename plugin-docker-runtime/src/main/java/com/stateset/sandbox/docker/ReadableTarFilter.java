package com.stateset.sandbox.docker;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxFileException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes on, from a tar the archive API read as root, only what the sandbox user may read: the
 * owner, group and mode in each entry's header are those of the file actually read, so the check
 * cannot be raced by swapping files. A directory the user cannot list and enter is left out with
 * everything below it.
 */
final class ReadableTarFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ReadableTarFilter.class);

    private final InputStream raw;
    private final String path;
    private final int uid;
    private final int gid;

    ReadableTarFilter(InputStream raw, String path, int uid, int gid) {
        this.raw = requireNonNull(raw, "raw is null");
        this.path = requireNonNull(path, "path is null");
        this.uid = uid;
        this.gid = gid;
    }

    /** Checks the requested path itself, then streams the rest as it is read. */
    InputStream open() {
        TarArchiveInputStream in = new TarArchiveInputStream(raw);
        TarArchiveEntry first;
        try {
            first = in.getNextEntry();
        } catch (IOException e) {
            SandboxArchives.closeQuietly(in);
            throw new UncheckedIOException("reading " + path + " failed", e);
        }
        if (first == null) {
            SandboxArchives.closeQuietly(in);
            throw new SandboxFileException(Reason.NOT_FOUND, path, path + ": no such file or directory");
        }
        if (!readable(first)) {
            SandboxArchives.closeQuietly(in);
            throw new SandboxFileException(Reason.PERMISSION_DENIED, path, path + ": permission denied");
        }
        PipedInputStream result = new PipedInputStream(64 * 1024);
        PipedOutputStream sink;
        try {
            sink = new PipedOutputStream(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("read-" + path).start(() -> copy(in, first, sink));
        return result;
    }

    private void copy(TarArchiveInputStream in, TarArchiveEntry first, PipedOutputStream sink) {
        List<String> skipped = new ArrayList<>();
        try (in; TarArchiveOutputStream out = new TarArchiveOutputStream(sink)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry = first;
            while (entry != null) {
                String name = entry.getName();
                if (skipped.stream().noneMatch(name::startsWith)) {
                    if (readable(entry)) {
                        out.putArchiveEntry(entry);
                        if (SandboxArchives.isRegularFile(entry)) {
                            in.transferTo(out);
                        }
                        out.closeArchiveEntry();
                    } else if (entry.isDirectory()) {
                        skipped.add(name.endsWith("/") ? name : name + "/");
                    }
                }
                entry = in.getNextEntry();
            }
        } catch (IOException e) {
            // The reader went away or the engine broke off: either way the reader sees the end.
            LOG.debug("streaming {} stopped: {}", path, e.getMessage());
            SandboxArchives.closeQuietly(sink);
        }
    }

    private boolean readable(TarArchiveEntry entry) {
        if (entry.isSymbolicLink()) {
            return true;
        }
        int mode = entry.getMode();
        int bits;
        if (entry.getLongUserId() == uid) {
            bits = mode >> 6;
        } else if (entry.getLongGroupId() == gid) {
            bits = mode >> 3;
        } else {
            bits = mode;
        }
        boolean read = (bits & 4) != 0;
        return entry.isDirectory() ? read && (bits & 1) != 0 : read;
    }
}
