package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.api.FilesRequest;
import com.stateset.sandbox.api.FilesResponse;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Files in and out of running sandboxes, as tar streams through the runtime. */
public final class FileService {

    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final LimitsConfig limits;

    private final Events events;
    /** Paths named in a file.written event; {@code count} says how many were written. */
    private static final int EVENT_PATHS = 20;

    public FileService(SandboxService sandboxes, SandboxRuntime runtime, LimitsConfig limits, Events events) {
        this.events = java.util.Objects.requireNonNull(events, "events is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.limits = requireNonNull(limits, "limits is null");
    }

    public FilesResponse write(Caller caller, String id, FilesRequest request) {
        if (request == null || request.files() == null || request.files().isEmpty()) {
            throw DomainException.validation("files", "required: a list of {path, content, encoding?}");
        }
        caller.requireOwnOrg(request.orgId());
        if (request.files().size() > limits.maxFilesPerRequest()) {
            throw DomainException.tooLarge("files", "at most " + limits.maxFilesPerRequest() + " files per request");
        }
        List<String> roots = runtime.writableDirectories();
        List<String> paths = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < request.files().size(); i++) {
            FilesRequest.File file = request.files().get(i);
            String field = "files[" + i + "]";
            if (file == null) {
                throw DomainException.validation(field, "must be an object");
            }
            paths.add(FilePaths.resolve(field + ".path", file.path(), roots));
            contents.add(decode(field, file));
        }
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        try {
            runtime.writeArchive(id, tar(paths, contents));
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        } catch (SandboxFileException e) {
            if (e.reason() == SandboxFileException.Reason.NO_SPACE) {
                events.record(EventTypes.RESOURCE_WARNING, sandbox.orgId(), id,
                        Map.of("reason", "no space left in the sandbox", "path", e.path()));
            }
            throw e;
        }
        events.record(EventTypes.FILE_WRITTEN, sandbox.orgId(), id, Map.of(
                "paths", paths.subList(0, Math.min(paths.size(), EVENT_PATHS)),
                "count", paths.size(),
                "bytes", contents.stream().mapToLong(c -> c.length).sum()));
        List<FilesResponse.Written> written = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            written.add(new FilesResponse.Written(paths.get(i), contents.get(i).length));
        }
        return new FilesResponse(true, written);
    }

    public FilesResponse.Content read(Caller caller, String id, String rawPath) {
        String path = FilePaths.resolve("path", rawPath, runtime.writableDirectories());
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(runtime.readArchive(id, path))) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null) {
                throw DomainException.notFound(ErrorCodes.FILE_NOT_FOUND, path + ": no such file");
            }
            // Well formed, but the sandbox holds another kind of file there: a state to change (409).
            if (entry.isDirectory()) {
                throw DomainException.conflict("path", path + " is a directory");
            }
            byte flag = entry.getLinkFlag();
            if (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM) {
                throw DomainException.conflict("path", path + " is not a regular file");
            }
            if (entry.getSize() > limits.maxFileBytes()) {
                throw DomainException.tooLarge("path", path + " is " + entry.getSize() + " bytes; the limit is "
                        + limits.maxFileBytes());
            }
            byte[] content = tar.readNBytes((int) entry.getSize());
            return new FilesResponse.Content(path, Base64.getEncoder().encodeToString(content), content.length);
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " from " + id + " failed", e);
        }
    }

    private byte[] decode(String field, FilesRequest.File file) {
        if (file.content() == null) {
            throw DomainException.validation(field + ".content", "required");
        }
        String encoding = file.encoding() == null ? "base64" : file.encoding().toLowerCase(java.util.Locale.ROOT);
        byte[] bytes = switch (encoding) {
            case "base64" -> {
                try {
                    yield Base64.getDecoder().decode(WHITESPACE.matcher(file.content()).replaceAll(""));
                } catch (IllegalArgumentException e) {
                    throw DomainException.validation(field + ".content", "not valid base64");
                }
            }
            case "utf8", "utf-8" -> file.content().getBytes(StandardCharsets.UTF_8);
            default -> throw DomainException.validation(field + ".encoding", "unknown encoding '" + file.encoding() + "'",
                    List.of("base64", "utf8"));
        };
        if (bytes.length > limits.maxFileBytes()) {
            throw DomainException.tooLarge(field + ".content", bytes.length + " bytes; the limit is " + limits.maxFileBytes());
        }
        return bytes;
    }

    private static InputStream tar(List<String> paths, List<byte[]> contents) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < paths.size(); i++) {
                TarArchiveEntry entry = new TarArchiveEntry(paths.get(i).substring(1));
                entry.setMode(0100644);
                entry.setSize(contents.get(i).length);
                out.putArchiveEntry(entry);
                out.write(contents.get(i));
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
