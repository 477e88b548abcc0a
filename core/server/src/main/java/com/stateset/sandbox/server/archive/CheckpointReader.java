package com.stateset.sandbox.server.archive;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Reads a stored checkpoint back into a sandbox. Before anything is written, {@link #check} reads
 * the whole object and refuses it unless its checksum is the recorded one and every entry is safe:
 * a relative name without {@code ..}, a file, directory or link (no devices or fifos), a hard link
 * only to a file earlier in the same checkpoint, and nothing placed beneath one of its own symbolic
 * links. Symbolic links themselves may point anywhere: they are only ever resolved inside the
 * sandbox, by the sandbox user. {@link #rewrite} then streams the entries renamed into the
 * workspace, checking the same rules again.
 */
public final class CheckpointReader {

    private static final int MAX_NAME_CHARS = 4096;

    private final String checksum;
    private final long maxContentBytes;

    public CheckpointReader(String checksum, long maxContentBytes) {
        this.checksum = checksum;
        this.maxContentBytes = maxContentBytes;
    }

    /** Reads the whole checkpoint and throws a 422 naming the first problem. */
    public void check(InputStream stored) throws IOException {
        copy(stored, null);
    }

    /**
     * Streams the checkpoint to {@code out} as a tar for {@link SandboxRuntime#writeArchive}; fails
     * (before the end of the stream) if it differs from what {@link #check} accepted.
     */
    public void rewrite(InputStream stored, OutputStream out) throws IOException {
        copy(stored, out);
    }

    /**
     * A stored object whose compression or tar framing is broken is damaged (422, as one that was
     * altered); a failure of the store's stream or of {@code out} is not, and goes on as it is.
     */
    private void copy(InputStream stored, OutputStream out) throws IOException {
        Noted<InputStream> source = new Noted<>(stored);
        Noted<OutputStream> sink = out == null ? null : new Noted<>(out);
        try {
            copyChecked(source.input(), sink == null ? null : sink.output());
        } catch (IOException e) {
            if (source.failed || sink != null && sink.failed) {
                throw e;
            }
            throw rejected("its stored bytes are damaged (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** A stream that notes whether it failed itself, as opposed to what reads or writes it. */
    private static final class Noted<S> {
        private final S stream;
        boolean failed;

        Noted(S stream) {
            this.stream = stream;
        }

        InputStream input() {
            InputStream in = (InputStream) stream;
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    return noted(in::read);
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return noted(() -> in.read(b, off, len));
                }
            };
        }

        OutputStream output() {
            OutputStream out = (OutputStream) stream;
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    noted(() -> {
                        out.write(b);
                        return 0;
                    });
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    noted(() -> {
                        out.write(b, off, len);
                        return 0;
                    });
                }

                @Override
                public void flush() throws IOException {
                    noted(() -> {
                        out.flush();
                        return 0;
                    });
                }
            };
        }

        private interface Call {
            int run() throws IOException;
        }

        private int noted(Call call) throws IOException {
            try {
                return call.run();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }

    private void copyChecked(InputStream stored, OutputStream out) throws IOException {
        Checksums.HashingInputStream hashed = new Checksums.HashingInputStream(stored);
        TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(hashed, 64 * 1024));
        TarArchiveOutputStream tar = out == null ? null : new TarArchiveOutputStream(out);
        if (tar != null) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }
        Set<String> files = new HashSet<>();
        Set<String> links = new HashSet<>();
        long contentBytes = 0;
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            String path = checkName(entry.getName());
            checkNotBelowLink(path, links);
            TarArchiveEntry renamed;
            if (entry.isDirectory()) {
                renamed = new TarArchiveEntry(workspace(path) + "/", TarArchiveEntry.LF_DIR);
            } else if (entry.isSymbolicLink()) {
                if (entry.getLinkName().isEmpty() || entry.getLinkName().indexOf('\0') >= 0) {
                    throw rejected(path + ": a symbolic link without a valid target");
                }
                links.add(path);
                renamed = new TarArchiveEntry(workspace(path), TarArchiveEntry.LF_SYMLINK);
                renamed.setLinkName(entry.getLinkName());
            } else if (entry.isLink()) {
                String target = checkName(entry.getLinkName());
                if (!files.contains(target)) {
                    throw rejected(path + ": a hard link to " + entry.getLinkName()
                            + ", which is not a file earlier in the checkpoint (links may not point out)");
                }
                renamed = new TarArchiveEntry(workspace(path), TarArchiveEntry.LF_LINK);
                renamed.setLinkName(workspace(target));
            } else if (CheckpointWriter.isRegularFile(entry)) {
                contentBytes += entry.getSize();
                if (contentBytes > maxContentBytes) {
                    throw DomainException.tooLarge("checkpoint_id", "the checkpoint holds more than " + maxContentBytes + " bytes");
                }
                files.add(path);
                renamed = new TarArchiveEntry(workspace(path), TarArchiveEntry.LF_NORMAL);
                renamed.setSize(entry.getSize());
            } else {
                throw rejected(path + ": only files, directories and links can be restored, not this kind of entry");
            }
            renamed.setMode(entry.getMode() & 07777 | (renamed.getMode() & ~07777));
            renamed.setModTime(entry.getModTime());
            if (tar != null) {
                tar.putArchiveEntry(renamed);
                if (CheckpointWriter.isRegularFile(renamed)) {
                    in.transferTo(tar);
                }
                tar.closeArchiveEntry();
            }
        }
        // Read to the end of the object, so the checksum covers all of it.
        hashed.transferTo(OutputStream.nullOutputStream());
        if (checksum != null && !checksum.equals(hashed.hex())) {
            throw rejected("its stored bytes do not match the checksum recorded when it was made");
        }
        if (tar != null) {
            tar.finish();
        }
    }

    private static String checkName(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_CHARS || trimmed.startsWith("/") || trimmed.indexOf('\0') >= 0) {
            throw rejected("entry '" + printable(name) + "' is not a relative path");
        }
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw rejected("entry '" + printable(name) + "' climbs out of the workspace or has an empty segment");
            }
        }
        return trimmed;
    }

    private static void checkNotBelowLink(String path, Set<String> links) {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            if (links.contains(path.substring(0, slash))) {
                throw rejected(path + ": lies beneath the symbolic link " + path.substring(0, slash));
            }
        }
    }

    private static String workspace(String path) {
        return SandboxRuntime.WORKSPACE.substring(1) + "/" + path;
    }

    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }

    private static DomainException rejected(String why) {
        return new DomainException(ErrorKind.UNPROCESSABLE, ErrorCodes.VALIDATION_ERROR,
                "checkpoint_id: the checkpoint cannot be restored: " + why,
                Map.of("field", "checkpoint_id"));
    }
}
