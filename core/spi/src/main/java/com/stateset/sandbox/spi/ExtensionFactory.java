package com.stateset.sandbox.spi;

import org.pf4j.ExtensionPoint;

/**
 * A named factory for one kind of extension (a runtime, an object store, ...).
 *
 * <p>The server configuration names a factory with {@code type} and gives its settings under
 * {@code config}; the server binds those settings to {@link #configClass()} strictly (unknown keys
 * fail), validates them with Jakarta Bean Validation, then calls {@link #create}. A config class is a
 * plain Java class or record annotated with Jackson and validation annotations only.
 *
 * @param <T> what the factory creates
 * @param <C> the factory's typed configuration
 */
public interface ExtensionFactory<T, C> extends ExtensionPoint {

    /** The {@code type} that selects this factory in the server configuration. */
    String name();

    /** The class the {@code config} section is bound to. */
    Class<C> configClass();

    /** Creates the extension; called once at start, with a validated configuration. */
    T create(C config, PluginContext context);
}
