package com.stateset.sandbox.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small tar helpers for tests. */
public final class Tars {

    private Tars() {
    }

    /** A tar holding regular files (mode 0644) named by path without the leading slash. */
    public static InputStream files(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(0100644);
                out.putArchiveEntry(entry);
                out.write(file.getValue());
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /** A tar holding one symbolic link. */
    public static InputStream symlink(String name, String target) {
        return link(name, target, TarArchiveEntry.LF_SYMLINK);
    }

    /** A tar holding one regular file, then a hard link to it. */
    public static InputStream fileAndHardLink(String file, byte[] content, String link) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(file);
            entry.setSize(content.length);
            entry.setMode(0100644);
            out.putArchiveEntry(entry);
            out.write(content);
            out.closeArchiveEntry();
            TarArchiveEntry hard = new TarArchiveEntry(link, TarArchiveEntry.LF_LINK);
            hard.setLinkName(file);
            out.putArchiveEntry(hard);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /** A tar holding one entry of a link kind ({@link TarArchiveEntry#LF_SYMLINK}, {@code LF_LINK}). */
    public static InputStream link(String name, String target, byte kind) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name, kind);
            entry.setLinkName(target);
            out.putArchiveEntry(entry);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /** Reads a whole tar: entry name to content (directories and links map to empty content). */
    public static Map<String, byte[]> read(InputStream tar) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), entry.isFile() ? in.readAllBytes() : new byte[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
