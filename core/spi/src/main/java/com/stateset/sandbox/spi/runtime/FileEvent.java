package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

/**
 * A change in a watched directory (see {@link SandboxRuntime#watch}).
 *
 * @param path the absolute path that changed (for {@link Kind#OVERFLOW}, the watched directory)
 * @param directory whether it is a directory
 */
public record FileEvent(Kind kind, String path, boolean directory) {

    public enum Kind {
        CREATED,
        MODIFIED,
        DELETED,
        /** Changes were dropped (too many too fast): the watcher should look at the directory again. */
        OVERFLOW
    }

    public FileEvent {
        requireNonNull(kind, "kind is null");
        requireNonNull(path, "path is null");
    }
}
