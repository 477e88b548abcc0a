package com.stateset.sandbox.client;

/** The server could not be reached, or the connection broke before the answer. */
public class SandboxConnectionException extends SandboxException {

    public SandboxConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
