package com.stateset.sandbox.client;

/** No answer within the call's timeout. */
public class SandboxTimeoutException extends SandboxException {

    public SandboxTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
