package com.stateset.sandbox.server.http;

import com.stateset.sandbox.api.ApiKeyView;
import com.stateset.sandbox.api.ArtifactView;
import com.stateset.sandbox.api.CheckpointView;
import com.stateset.sandbox.api.ErrorResponse;
import com.stateset.sandbox.api.ExecuteResponse;
import com.stateset.sandbox.api.FilesResponse;
import com.stateset.sandbox.api.SandboxView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.server.ChunkedOutput;

/**
 * The {@code details} of an audit event: facts taken from the answer, never from the request body,
 * which is where commands, environment values, file contents and secret values travel. So a
 * command is recorded by its exit code, a file by its path and size, a new key by its id, name and
 * scopes, never its value.
 */
final class AuditDetails {

    static final int MAX_FILES = 20;
    private static final int MAX_TEXT = 256;

    private AuditDetails() {
    }

    static Map<String, Object> of(Object entity) {
        Map<String, Object> details = new LinkedHashMap<>();
        switch (entity) {
            case SandboxView sandbox -> {
                details.put("template", sandbox.template());
                details.put("cpus", sandbox.cpus());
                details.put("memory", sandbox.memory());
            }
            case ExecuteResponse result -> {
                details.put("exit_code", result.exitCode());
                details.put("timed_out", result.timedOut());
                details.put("truncated", result.truncated());
            }
            // The exit code travels in the stream, after the answer has started.
            case ChunkedOutput<?> stream -> details.put("stream", true);
            case FilesResponse written -> {
                details.put("file_count", written.files().size());
                details.put("bytes", written.files().stream().mapToLong(FilesResponse.Written::size).sum());
                details.put("files", written.files().stream().limit(MAX_FILES)
                        .map(file -> Map.of("path", clip(file.path()), "size", file.size())).toList());
            }
            case FilesResponse.Content read -> details.put("size", read.size());
            case CheckpointView checkpoint -> {
                details.put("checkpoint_id", checkpoint.id());
                details.put("size", checkpoint.size());
                details.put("file_count", checkpoint.fileCount());
            }
            case CheckpointView.Comparison comparison -> {
                details.put("added", comparison.added().size());
                details.put("removed", comparison.removed().size());
                details.put("modified", comparison.modified().size());
            }
            case ArtifactView artifact -> {
                details.put("artifact_id", artifact.id());
                details.put("path", clip(artifact.path()));
                details.put("remote_path", clip(artifact.remotePath()));
                details.put("size", artifact.size());
            }
            case ArtifactView.Downloaded downloaded -> {
                details.put("path", clip(downloaded.path()));
                details.put("size", downloaded.size());
            }
            case ApiKeyView.Created created -> {
                details.put("api_key_id", created.apiKey().id());
                details.put("name", clip(created.apiKey().name()));
                details.put("scopes", List.copyOf(created.apiKey().scopes()));
            }
            case ErrorResponse error when error.error().details() != null && error.error().details().get("field") != null ->
                    details.put("field", clip(String.valueOf(error.error().details().get("field"))));
            case null, default -> {
                // nothing safe and worth keeping
            }
        }
        return details;
    }

    static String clip(String text) {
        return clip(text, MAX_TEXT);
    }

    static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
