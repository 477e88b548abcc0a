package com.stateset.sandbox.server;

import com.stateset.sandbox.server.config.ExtensionConfig;
import com.stateset.sandbox.server.config.LocalStoreConfig;
import com.stateset.sandbox.server.plugin.ExtensionConfigBinder;
import com.stateset.sandbox.server.plugin.PluginHost;
import com.stateset.sandbox.server.plugin.ServerPluginContext;
import com.stateset.sandbox.server.storage.LocalObjectStore;
import com.stateset.sandbox.server.storage.ObjectStores;
import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.events.EventSink;
import com.stateset.sandbox.spi.events.EventSinkFactory;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeFactory;
import com.stateset.sandbox.spi.storage.ObjectStore;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the server runs on, from plugins or built in: the sandbox runtime, the object store and the
 * event sinks, each made from its configuration section with the context lent to every extension
 * (its own data directory, the installation id, the clock, a shared scheduler). They close with the
 * server, the runtime and the plugins last.
 *
 * @param localStore the built-in store when it is the one configured, else null
 */
record Extensions(SandboxRuntime runtime, ObjectStore store, LocalObjectStore localStore, Map<String, EventSink> sinks) {

    static Extensions open(SandboxConfiguration config, Environment environment, ExtensionConfigBinder binder, Path dataDirectory,
            String installId, Clock clock, Supplier<URI> publicUrl) {
        PluginHost plugins = PluginHost.start(Path.of(config.pluginsDirectory()), binder);
        ScheduledExecutorService scheduler = environment.lifecycle().scheduledExecutorService("plugins").threads(2).build();
        Function<String, PluginContext> context =
                name -> new ServerPluginContext(installId, PluginHost.dataDirectory(dataDirectory, name), clock, scheduler);

        SandboxRuntime runtime = plugins.create("runtime", config.runtime(), factoryType(SandboxRuntimeFactory.class),
                SandboxRuntime.class, context);
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                runtime.close();
                plugins.close();
            }
        });

        LocalObjectStore localStore = null;
        ObjectStore store;
        if (ObjectStores.isLocal(config.storage())) {
            localStore = ObjectStores.local(binder.bind("storage.config", config.storage().config(), LocalStoreConfig.class),
                    dataDirectory, publicUrl, clock);
            store = localStore;
        } else {
            store = ObjectStores.plugin(config.storage(), plugins, context);
        }
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                store.close();
            }
        });

        // The sinks of events.sinks, by name: their type, numbered when one is listed twice.
        Map<String, EventSink> sinks = new LinkedHashMap<>();
        for (int i = 0; i < config.events().sinks().size(); i++) {
            ExtensionConfig sink = config.events().sinks().get(i);
            String name = sinks.containsKey(sink.type()) ? sink.type() + "-" + i : sink.type();
            sinks.put(name, plugins.create("events.sinks[" + i + "]", sink, factoryType(EventSinkFactory.class), EventSink.class,
                    context));
        }
        return new Extensions(runtime, store, localStore, sinks);
    }

    /** A factory interface as the class of its wildcard type, which is what the plugin host looks up. */
    @SuppressWarnings("unchecked")
    private static <F> Class<F> factoryType(Class<?> raw) {
        return (Class<F>) raw;
    }
}
