package com.stateset.sandbox.client;

/** Every failure of a call: an error answer ({@link SandboxApiException}), no connection, or no answer in time. */
public class SandboxException extends RuntimeException {

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
