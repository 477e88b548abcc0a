package com.stateset.sandbox.spi.runtime;

import com.stateset.sandbox.spi.ExtensionFactory;

/** Creates the {@link SandboxRuntime} selected by {@code runtime.type} in the server configuration. */
public interface SandboxRuntimeFactory<C> extends ExtensionFactory<SandboxRuntime, C> {
}
