package com.stateset.sandbox.server.plugin;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.config.ExtensionConfig;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.spi.ExtensionFactory;
import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.ZipFile;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.pf4j.VersionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every plugin under the plugins directory at start, each in its own class loader, and
 * creates extensions from configuration sections. Factories on the server's own class path are
 * found too (that is how tests and built-ins join). Any plugin that cannot load stops the start with
 * one line per plugin saying why.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final SandboxPluginManager manager;
    private final ExtensionConfigBinder binder;

    private PluginHost(SandboxPluginManager manager, ExtensionConfigBinder binder) {
        this.manager = manager;
        this.binder = binder;
    }

    public static PluginHost start(Path pluginsDirectory, ExtensionConfigBinder binder) {
        requireNonNull(pluginsDirectory, "pluginsDirectory is null");
        if (!Files.isDirectory(pluginsDirectory)) {
            throw new StartupException("pluginsDirectory: " + pluginsDirectory.toAbsolutePath() + " is not a directory");
        }
        SandboxPluginManager manager = new SandboxPluginManager(pluginsDirectory);
        List<String> problems = new ArrayList<>();
        for (Path path : manager.pluginPaths()) {
            try {
                String id = manager.loadPlugin(path);
                unmetRequirement(manager.getVersionManager(), manager.getPlugin(id).getDescriptor())
                        .ifPresent(problem -> problems.add(path.getFileName() + ": " + problem));
            } catch (RuntimeException e) {
                problems.add(path.getFileName() + ": " + problem(path, e));
            }
        }
        if (problems.isEmpty()) {
            manager.startPlugins();
            for (PluginWrapper plugin : manager.getPlugins()) {
                if (plugin.getPluginState() != PluginState.STARTED) {
                    Throwable failure = plugin.getFailedException();
                    problems.add(plugin.getPluginPath().getFileName() + ": " + plugin.getPluginState()
                            + (failure == null ? "" : " (" + rootMessage(failure) + ")"));
                }
            }
        }
        if (!problems.isEmpty()) {
            manager.stopPlugins();
            throw new StartupException("cannot load plugins from " + pluginsDirectory.toAbsolutePath() + ":\n  "
                    + String.join("\n  ", problems));
        }
        for (PluginWrapper plugin : manager.getPlugins()) {
            LOG.info("loaded plugin {} {} from {} (requires SPI {}; this server's is {})", plugin.getPluginId(),
                    plugin.getDescriptor().getVersion(), plugin.getPluginPath(), plugin.getDescriptor().getRequires(),
                    SpiVersion.current());
        }
        return new PluginHost(manager, binder);
    }

    /**
     * Creates the extension a section names: finds the factory of that {@code type}, binds and
     * validates its config, creates it with the plugin's class loader as context loader, and wraps
     * it so that later calls do the same.
     *
     * @param section the YAML path of the section, for messages ({@code runtime})
     * @param context the context for an extension, given a name for its data directory
     */
    public <T> T create(String section, ExtensionConfig config, Class<? extends ExtensionFactory<T, ?>> factoryType,
            Class<T> type, Function<String, PluginContext> context) {
        Map<String, ExtensionFactory<T, ?>> factories = factories(factoryType);
        ExtensionFactory<T, ?> factory = factories.get(config.type());
        if (factory == null) {
            throw new StartupException(section + ".type: unknown type '" + config.type() + "'; installed types are "
                    + factories.keySet());
        }
        ClassLoader loader = factory.getClass().getClassLoader();
        T instance = withContextLoader(loader, () -> createWith(factory, section, config, context));
        return ContextClassLoaderProxy.wrap(type, instanceOrFail(instance, section), loader);
    }

    private <T, C> T createWith(ExtensionFactory<T, C> factory, String section, ExtensionConfig config,
            Function<String, PluginContext> context) {
        C bound = binder.bind(section + ".config", config.config(), factory.configClass());
        try {
            return factory.create(bound, context.apply(section + "-" + factory.name()));
        } catch (StartupException e) {
            throw e;
        } catch (RuntimeException e) {
            // A factory refusing its settings (say, credentials missing from the environment) is a
            // configuration problem: one line naming the section, no stack trace.
            throw new StartupException(section + ": " + rootMessage(e));
        }
    }

    /** The {@code type} names of the installed factories of one kind. */
    public <T> java.util.Set<String> types(Class<? extends ExtensionFactory<T, ?>> factoryType) {
        return factories(factoryType).keySet();
    }

    <T> Map<String, ExtensionFactory<T, ?>> factories(Class<? extends ExtensionFactory<T, ?>> factoryType) {
        Map<String, ExtensionFactory<T, ?>> byName = new TreeMap<>();
        for (ExtensionFactory<T, ?> factory : manager.getExtensions(factoryType)) {
            ExtensionFactory<T, ?> previous = byName.put(factory.name(), factory);
            if (previous != null) {
                throw new StartupException("two " + factoryType.getSimpleName() + "s are named '" + factory.name()
                        + "': " + previous.getClass().getName() + " and " + factory.getClass().getName());
            }
        }
        return byName;
    }

    private static <T> T instanceOrFail(T instance, String section) {
        if (instance == null) {
            throw new StartupException(section + ": the factory created nothing");
        }
        return instance;
    }

    private static <T> T withContextLoader(ClassLoader loader, java.util.function.Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Why this server's SPI does not meet a plugin's {@code plugin.requires}, if it does not: a
     * plugin built against another major version would fail at its first call, not at load. A
     * plugin that requires nothing loads, with a warning.
     */
    private static Optional<String> unmetRequirement(VersionManager versions, PluginDescriptor descriptor) {
        String requires = descriptor.getRequires() == null ? "" : descriptor.getRequires().strip();
        if (requires.isEmpty() || "*".equals(requires)) {
            LOG.warn("plugin {} declares no plugin.requires: it may have been built against another SPI than this server's {}",
                    descriptor.getPluginId(), SpiVersion.current());
            return Optional.empty();
        }
        try {
            return versions.checkVersionConstraint(SpiVersion.current(), requires) ? Optional.empty()
                    : Optional.of("requires SPI " + requires + "; this server's SPI is " + SpiVersion.current());
        } catch (RuntimeException e) {
            return Optional.of("plugin.requires: '" + requires + "' is not a version range such as ^" + SpiVersion.current()
                    + " (" + rootMessage(e) + ")");
        }
    }

    /** Why a plugin did not load, in terms its author can act on. */
    private static String problem(Path path, RuntimeException e) {
        if (Files.isRegularFile(path)) {
            try (ZipFile zip = new ZipFile(path.toFile())) {
                if (zip.getEntry("plugin.properties") == null && zip.getEntry("META-INF/MANIFEST.MF") == null) {
                    return "has neither plugin.properties nor a manifest with Plugin-Id";
                }
            } catch (IOException notAZip) {
                return "not a valid jar or zip (" + notAZip.getMessage() + ")";
            }
        } else if (Files.isDirectory(path) && !Files.exists(path.resolve("plugin.properties"))) {
            return "no plugin.properties in this directory";
        }
        return rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** Creates (if needed) and returns a data directory for an extension. */
    public static Path dataDirectory(Path root, String name) {
        Path dir = root.resolve("plugins").resolve(name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        manager.stopPlugins();
    }
}
