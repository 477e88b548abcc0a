package com.stateset.sandbox.spi.storage;

/**
 * The store refuses the server as it is configured (its credentials, its bucket, its TLS, its
 * permissions), whatever the request: retrying cannot help; the server's operator must act.
 */
public class ObjectStoreMisconfiguredException extends ObjectStoreException {

    public ObjectStoreMisconfiguredException(String message, Throwable cause) {
        super(message, cause);
    }
}
