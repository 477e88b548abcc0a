package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Requests and answers of the file operations: list, glob, mkdir, move, copy, delete. */
public final class FileOperations {

    private FileOperations() {
    }

    /** One entry: {@code type} is {@code file}, {@code directory}, {@code symlink} or {@code other}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Entry(String name, String path, String type, long size, String modifiedAt, String mode,
            String linkTarget) {
    }

    /** {@code GET /files/list}; {@code truncated} when there were more entries than the answer holds. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(String path, List<Entry> files, boolean truncated) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Glob(String pattern, String orgId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Matches(String pattern, List<Entry> files, boolean truncated) {
    }

    /** {@code POST /files/mkdir}: {@code recursive} (default true) also makes missing parents. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Mkdir(String path, Boolean recursive, String orgId) {
    }

    /** {@code POST /files/move} and {@code /files/copy}: {@code overwrite} (default false) replaces what is at the destination. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Transfer(String source, String destination, Boolean overwrite, String orgId) {
    }

    /** {@code DELETE /files}: {@code recursive} (default false) is needed for a directory that is not empty. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Delete(String path, Boolean recursive, String orgId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Done(boolean success, String path) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Transferred(boolean success, String source, String destination) {
    }
}
