package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.api.FileOperations;
import com.stateset.sandbox.api.FilesRequest;
import com.stateset.sandbox.api.FilesResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Files in a sandbox, as its user sees them. Paths are relative to /workspace, or absolute inside
 * /workspace, /tmp or the home directory.
 */
public final class Files {

    private final Transport http;

    Files(Transport http) {
        this.http = http;
    }

    /** Writes text files (UTF-8), replacing what is there: path to content. */
    public FilesResponse write(String sandboxId, Map<String, String> files) {
        return writeBytes(sandboxId, files.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().getBytes(StandardCharsets.UTF_8), (a, b) -> b, java.util.LinkedHashMap::new)));
    }

    /** Writes files of bytes (at most 100 per call, each at most limits.maxFileSize). */
    public FilesResponse writeBytes(String sandboxId, Map<String, byte[]> files) {
        List<FilesRequest.File> list = files.entrySet().stream()
                .map(e -> new FilesRequest.File(e.getKey(), Base64.getEncoder().encodeToString(e.getValue()), "base64")).toList();
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/files").json(new FilesRequest(list, null)),
                FilesResponse.class);
    }

    /** A file's content as UTF-8 text. */
    public String read(String sandboxId, String path) {
        return new String(readBytes(sandboxId, path), StandardCharsets.UTF_8);
    }

    /** A file's bytes, through JSON ({@link #download} streams large files). */
    public byte[] readBytes(String sandboxId, String path) {
        FilesResponse.Content content = http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/files").query("path", path),
                FilesResponse.Content.class);
        return Base64.getDecoder().decode(content.content());
    }

    /** Writes bytes to a file, streamed (no JSON, no base64), up to limits.maxArtifactSize (1 GiB). */
    public FilesResponse.Written upload(String sandboxId, String path, byte[] content) {
        Transport.Call call = new Transport.Call("PUT", "/sandbox/" + segment(sandboxId) + "/files/raw").query("path", path);
        call.bytes = content;
        return http.json(call, FilesResponse.Written.class);
    }

    /** Writes a local file to a file of the sandbox, streamed from disk. */
    public FilesResponse.Written upload(String sandboxId, String path, Path local) {
        Transport.Call call = new Transport.Call("PUT", "/sandbox/" + segment(sandboxId) + "/files/raw").query("path", path);
        call.file = local;
        return http.json(call, FilesResponse.Written.class);
    }

    /** A file's bytes as a stream; close it when done. */
    public InputStream download(String sandboxId, String path) {
        return http.stream(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/files/raw").query("path", path)
                .header("Accept", "application/octet-stream")).body();
    }

    /** Copies a file of the sandbox to a local file, streamed. */
    public void download(String sandboxId, String path, Path local) {
        try (InputStream in = download(sandboxId, path)) {
            java.nio.file.Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file or directory as a tar stream, entries named from the path's last segment; close it when done. */
    public InputStream archive(String sandboxId, String path) {
        return http.stream(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/files/archive").query("path", path)
                .header("Accept", "application/x-tar")).body();
    }

    /** A directory's entries; with {@code recursive}, everything below it. */
    public FileOperations.Listing list(String sandboxId, String path, boolean recursive) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/files/list").query("path", path)
                .query("recursive", recursive), FileOperations.Listing.class);
    }

    /** What matches a glob ({@code **}{@code /*.py}, {@code src/*.{js,ts}}). */
    public FileOperations.Matches glob(String sandboxId, String pattern) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/files/glob")
                .json(new FileOperations.Glob(pattern, null)), FileOperations.Matches.class);
    }

    /** Makes a directory and its missing parents. */
    public FileOperations.Done mkdir(String sandboxId, String path) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/files/mkdir")
                .json(new FileOperations.Mkdir(path, true, null)), FileOperations.Done.class);
    }

    public FileOperations.Transferred move(String sandboxId, String source, String destination, boolean overwrite) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/files/move")
                .json(new FileOperations.Transfer(source, destination, overwrite, null)), FileOperations.Transferred.class);
    }

    /** Copies a file, link or directory (directories whole). */
    public FileOperations.Transferred copy(String sandboxId, String source, String destination, boolean overwrite) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/files/copy")
                .json(new FileOperations.Transfer(source, destination, overwrite, null)), FileOperations.Transferred.class);
    }

    /** Deletes a file, link or directory (one that is not empty needs {@code recursive}). */
    public FileOperations.Done delete(String sandboxId, String path, boolean recursive) {
        return http.json(new Transport.Call("DELETE", "/sandbox/" + segment(sandboxId) + "/files")
                .json(new FileOperations.Delete(path, recursive, null)), FileOperations.Done.class);
    }

    /**
     * Changes in a directory as they happen: {@code created}, {@code modified}, {@code deleted},
     * {@code overflow}, and a last {@code error} when the watch ends by itself. Close the stream to stop.
     */
    public Stream<FileChange> watch(String sandboxId, String path, boolean recursive) {
        InputStream body = http.stream(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/files/watch").query("path", path)
                .query("recursive", recursive).header("Accept", "text/event-stream")).body();
        return ServerSentEvents.stream(body, event -> {
            try {
                JsonNode change = http.json.readTree(event.data());
                return new FileChange(change.path("type").asText(), change.path("path").asText(null), change.path("is_dir").asBoolean(),
                        change.path("code").asText(null), change.path("error").asText(null));
            } catch (IOException e) {
                throw new SandboxException("an event this client cannot read: " + e.getMessage(), e);
            }
        });
    }

    /** A change in a watched directory; {@code code} and {@code error} only for an {@code error}. */
    public record FileChange(String type, String path, boolean isDir, String code, String error) {
    }
}
