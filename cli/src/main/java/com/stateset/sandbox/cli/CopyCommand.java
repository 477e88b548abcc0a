package com.stateset.sandbox.cli;

import com.stateset.sandbox.client.Files;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Files and directories to and from a sandbox, as {@code docker cp} does: {@code sbx cp ./src ID:dir}
 * or {@code sbx cp ID:/workspace/out ./out}. A destination that is an existing directory receives
 * the source under its own name. Links are not followed on either side, and not copied (each is
 * named on standard error); what the sandbox sends may not write outside the destination.
 */
@Command(name = "cp", description = {"Copy files or directories between here and a sandbox (ID:PATH names the sandbox side).",
    "A file sent to a sandbox path ending in / keeps its name there."})
final class CopyCommand extends SbxCommand {

    @Parameters(index = "0", paramLabel = "SOURCE")
    String source;

    @Parameters(index = "1", paramLabel = "DESTINATION")
    String destination;

    @Override
    int run(Sbx sbx) throws IOException {
        Files files = sbx.client().files();
        int remoteSource = source.indexOf(':');
        int remoteDestination = destination.indexOf(':');
        if ((remoteSource > 0) == (remoteDestination > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "one side must be a sandbox's (ID:PATH) and the other a local path");
        }
        PrintWriter notes = sbx.err();
        int copied = remoteSource > 0
                ? download(files, source.substring(0, remoteSource), source.substring(remoteSource + 1), Path.of(destination), notes)
                : upload(files, Path.of(source), destination.substring(0, remoteDestination), destination.substring(remoteDestination + 1), notes);
        notes.flush();
        sbx.out().println(copied + (copied == 1 ? " file" : " files"));
        return 0;
    }

    private static int upload(Files files, Path local, String sandboxId, String remote, PrintWriter notes) throws IOException {
        if (!java.nio.file.Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("no such file or directory: " + local);
        }
        if (!java.nio.file.Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
            files.upload(sandboxId, remote.endsWith("/") ? remote + local.getFileName() : remote, local);
            return 1;
        }
        int[] count = {0};
        java.nio.file.Files.walkFileTree(local, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                files.mkdir(sandboxId, join(remote, local.relativize(directory)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    files.upload(sandboxId, join(remote, local.relativize(file)), file);
                    count[0]++;
                } else {
                    notes.println("skipped (not a regular file): " + file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return count[0];
    }

    private static String join(String remote, Path relative) {
        String tail = relative.toString().replace('\\', '/');
        return tail.isEmpty() ? remote : remote.replaceAll("/+$", "") + "/" + tail;
    }

    /** Reads the path's tar; its entries are named from the path's last segment. */
    private static int download(Files files, String sandboxId, String remote, Path local, PrintWriter notes) throws IOException {
        Path root = local.toAbsolutePath().normalize();
        boolean intoDirectory = java.nio.file.Files.isDirectory(root);
        int count = 0;
        try (InputStream body = files.archive(sandboxId, remote); TarArchiveInputStream tar = new TarArchiveInputStream(body)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String name = entry.getName().replaceAll("/+$", "");
                int slash = name.indexOf('/');
                // The first segment is the source's own name: kept inside an existing directory, else replaced by the destination.
                Path target = intoDirectory ? root.resolve(name) : slash < 0 ? root : root.resolve(name.substring(slash + 1));
                target = target.normalize();
                if (!target.startsWith(root) || name.startsWith("/")) {
                    throw new IOException("the sandbox sent a path outside the destination: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    java.nio.file.Files.createDirectories(target);
                } else if (entry.isFile()) {
                    refuseLinks(root, target.getParent());
                    java.nio.file.Files.createDirectories(target.getParent());
                    java.nio.file.Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    count++;
                } else {
                    notes.println("skipped (not a regular file): " + entry.getName());
                }
            }
        }
        return count;
    }

    /** A link inside the destination could lead a write elsewhere: none is followed. */
    private static void refuseLinks(Path root, Path directory) throws IOException {
        for (Path at = directory; at != null && at.startsWith(root) && !at.equals(root); at = at.getParent()) {
            if (java.nio.file.Files.isSymbolicLink(at)) {
                throw new IOException("a link in the destination: " + at + " (not followed)");
            }
        }
    }
}
