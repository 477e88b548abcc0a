package com.stateset.sandbox.server.config;

/** The server cannot start because of something the operator can fix; the message says what. */
public class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }
}
