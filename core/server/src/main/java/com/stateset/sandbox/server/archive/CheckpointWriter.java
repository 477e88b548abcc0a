package com.stateset.sandbox.server.archive;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.errors.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Turns the runtime's tar of the workspace into a checkpoint as it streams by: a gzip-compressed
 * tar of the selected entries, named relative to the workspace, and the {@link Manifest} of what
 * it holds. Only files, directories and links are kept (a fifo or socket cannot be restored).
 */
public final class CheckpointWriter {

    /** More entries than this make a manifest too large to compare in memory. */
    public static final int MAX_ENTRIES = 500_000;
    /** All paths together: the manifest is held in memory. */
    private static final long MAX_PATH_CHARS = 64L << 20;

    private final PathSelection selection;
    private final long maxContentBytes;

    public CheckpointWriter(PathSelection selection, long maxContentBytes) {
        this.selection = requireNonNull(selection, "selection is null");
        this.maxContentBytes = maxContentBytes;
    }

    /**
     * Reads {@code workspaceTar} (entries named {@code workspace/...}) and writes the checkpoint to
     * {@code out}, which is finished but not closed.
     */
    public Manifest write(InputStream workspaceTar, OutputStream out, Map<String, String> env) throws IOException {
        List<Manifest.Entry> entries = new ArrayList<>();
        Map<String, String> fileHashes = new HashMap<>();
        long contentBytes = 0;
        long pathChars = 0;
        // The fastest level: a checkpoint is made while an agent waits, and what compresses well
        // (source, dependencies) still shrinks several-fold.
        GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        TarArchiveInputStream in = new TarArchiveInputStream(workspaceTar);
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            String path = relative(entry.getName());
            if (path == null || !selection.selects(path)) {
                continue;
            }
            pathChars += path.length();
            if (entries.size() >= MAX_ENTRIES || pathChars > MAX_PATH_CHARS) {
                throw DomainException.tooLarge("include_paths", "the workspace holds more than " + MAX_ENTRIES
                        + " entries or " + MAX_PATH_CHARS + " characters of names; narrow the checkpoint with include_paths or exclude_paths");
            }
            int mode = entry.getMode() & 07777;
            if (entry.isDirectory()) {
                tar.putArchiveEntry(copy(entry, path + "/", TarConstants.LF_DIR));
                tar.closeArchiveEntry();
                entries.add(new Manifest.Entry(path, "directory", 0, mode, null, null));
            } else if (entry.isSymbolicLink()) {
                TarArchiveEntry link = copy(entry, path, TarConstants.LF_SYMLINK);
                link.setLinkName(entry.getLinkName());
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
                entries.add(new Manifest.Entry(path, "symlink", 0, mode, null, entry.getLinkName()));
            } else if (entry.isLink()) {
                String target = relative(entry.getLinkName());
                String hash = target == null ? null : fileHashes.get(target);
                if (hash == null) {
                    continue; // its file was left out, so the link has nothing to point to
                }
                TarArchiveEntry link = copy(entry, path, TarConstants.LF_LINK);
                link.setLinkName(target);
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
                entries.add(new Manifest.Entry(path, "hardlink", 0, mode, hash, target));
            } else if (isRegularFile(entry)) {
                contentBytes += entry.getSize();
                if (contentBytes > maxContentBytes) {
                    throw DomainException.tooLarge("include_paths", "the workspace holds more than " + maxContentBytes
                            + " bytes, the checkpoint size limit; narrow it with include_paths or exclude_paths");
                }
                TarArchiveEntry file = copy(entry, path, TarConstants.LF_NORMAL);
                file.setSize(entry.getSize());
                tar.putArchiveEntry(file);
                String hash = copyHashing(in, tar);
                tar.closeArchiveEntry();
                fileHashes.put(path, hash);
                entries.add(new Manifest.Entry(path, "file", entry.getSize(), mode, hash, null));
            }
        }
        tar.finish();
        gzip.finish();
        return new Manifest(Manifest.VERSION, List.copyOf(entries), env, contentBytes);
    }

    /** The entry's path below the workspace, or null for the workspace itself. */
    private static String relative(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = trimmed.indexOf('/');
        return slash < 0 || slash == trimmed.length() - 1 ? null : trimmed.substring(slash + 1);
    }

    private static TarArchiveEntry copy(TarArchiveEntry from, String name, byte kind) {
        TarArchiveEntry to = new TarArchiveEntry(name, kind);
        to.setMode(from.getMode());
        to.setModTime(from.getModTime());
        return to;
    }

    private static String copyHashing(InputStream in, OutputStream out) throws IOException {
        DigestOutputStream digest = new DigestOutputStream(OutputStream.nullOutputStream(), Checksums.sha256());
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            digest.write(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.getMessageDigest().digest());
    }

    static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM) && !entry.getName().endsWith("/");
    }
}
