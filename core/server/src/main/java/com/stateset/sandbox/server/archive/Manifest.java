package com.stateset.sandbox.server.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Every entry of a checkpoint, kept beside its tar so that checkpoints can be compared without
 * reading their contents. Paths are relative to the workspace.
 *
 * @param env the sandbox's environment when the checkpoint includes it, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(int version, List<Entry> files, Map<String, String> env, long contentBytes) {

    public static final int VERSION = 1;

    /**
     * One entry.
     *
     * @param type {@code file}, {@code directory}, {@code symlink} or {@code hardlink}
     * @param sha256 of a file's content (for a hard link, of the file it links to)
     * @param link a link's target
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String path, String type, long size, int mode, String sha256, String link) {
    }
}
