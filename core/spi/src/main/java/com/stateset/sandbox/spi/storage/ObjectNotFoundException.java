package com.stateset.sandbox.spi.storage;

/** No object is stored under the key. */
public class ObjectNotFoundException extends ObjectStoreException {

    private final String key;

    public ObjectNotFoundException(String key) {
        super("no object under " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
