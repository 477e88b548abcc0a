package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a file path from a request before it reaches the runtime: relative paths are taken from
 * the workspace; the result must lie inside one of the sandbox's writable directories, with no
 * {@code ..}, no NUL and no control characters.
 */
public final class FilePaths {

    /** Short of Linux's PATH_MAX (4096 with its NUL), leaving room for the directory a file is staged in. */
    private static final int MAX_LENGTH = 4000;
    private static final int MAX_SEGMENT = 255;

    private FilePaths() {
    }

    /** A path inside one of {@code roots}; a root itself is not one. */
    public static String resolve(String field, String path, List<String> roots) {
        return resolve(field, path, roots, false);
    }

    /** A directory to look into: inside one of {@code roots}, or a root itself. */
    public static String resolveDirectory(String field, String path, List<String> roots) {
        return resolve(field, path, roots, true);
    }

    private static String resolve(String field, String path, List<String> roots, boolean rootsToo) {
        if (path == null || path.isEmpty()) {
            throw DomainException.validation(field, "required");
        }
        if (path.length() > MAX_LENGTH) {
            throw DomainException.validation(field, "longer than " + MAX_LENGTH + " characters");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw DomainException.validation(field, "must not contain NUL or control characters");
        }
        String absolute = path.startsWith("/") ? path : SandboxRuntime.WORKSPACE + "/" + path;
        List<String> segments = new ArrayList<>();
        for (String segment : absolute.split("/")) {
            if (segment.equals("..")) {
                throw DomainException.validation(field, "must not contain '..'");
            }
            if (segment.length() > MAX_SEGMENT) {
                throw DomainException.validation(field, "has a name longer than " + MAX_SEGMENT + " characters");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        String normalized = "/" + String.join("/", segments);
        for (String root : roots) {
            if (normalized.startsWith(root + "/") || rootsToo && normalized.equals(root)) {
                return normalized;
            }
        }
        throw DomainException.validation(field, "must name a " + (rootsToo ? "directory" : "file") + " inside one of " + roots);
    }
}
