package com.stateset.sandbox.spi.storage;

import com.stateset.sandbox.spi.ExtensionFactory;

/** Creates the {@link ObjectStore} selected by {@code storage.type} in the server configuration. */
public interface ObjectStoreFactory<C> extends ExtensionFactory<ObjectStore, C> {
}
