package com.stateset.sandbox.spi.storage;

/** The store cannot be reached or does not answer; retrying later may succeed. */
public class ObjectStoreUnavailableException extends ObjectStoreException {

    public ObjectStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
