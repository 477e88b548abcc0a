package com.stateset.sandbox.spi.runtime;

/** The runtime cannot watch this sandbox's files (it has no way to, or the sandbox's agent does not answer). */
public class FileWatchUnavailableException extends SandboxRuntimeException {

    public FileWatchUnavailableException(String message) {
        super(message);
    }
}
