package com.stateset.sandbox.spi.runtime;

/** The runtime cannot give this sandbox a terminal (it has none, or the sandbox's agent does not answer). */
public class TerminalUnavailableException extends SandboxRuntimeException {

    public TerminalUnavailableException(String message) {
        super(message);
    }
}
