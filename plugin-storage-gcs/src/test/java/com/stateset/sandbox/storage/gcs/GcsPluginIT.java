package com.stateset.sandbox.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreFactory;
import com.stateset.sandbox.testing.Infrastructure;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.BasePluginLoader;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.DefaultPluginClasspath;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;

/**
 * Loads the plugin as packaged in {@code target/plugin/storage-gcs} through PF4J, in a class loader
 * that sees nothing of the test's class path but what the server lends plugins, and uses the store
 * against fake-gcs-server: every library the store needs must be in the plugin's {@code lib/}.
 */
class GcsPluginIT {

    private static final Path PLUGIN = Path.of("target", "plugin", "storage-gcs");
    private static final List<String> LENT_PACKAGES = List.of(
            "com.stateset.sandbox.spi.", "org.slf4j.", "com.fasterxml.jackson.annotation.", "jakarta.validation.");

    @TempDir
    Path directory;

    @Test
    void thePackagedPluginStoresAndServesObjectsFromItsOwnClassLoader() throws Exception {
        Infrastructure.require(Files.isDirectory(PLUGIN.resolve("lib")), "the packaged plugin (mvn package) in " + PLUGIN);
        Optional<Path> binary = FakeGcsServer.binary();
        Infrastructure.require(binary.isPresent(), "fake-gcs-server (install it with scripts/install-fake-gcs-server)");
        ServiceAccountKey key = ServiceAccountKey.create(directory);

        try (FakeGcsServer emulator = FakeGcsServer.start(binary.get(), directory)) {
            Path plugins = Files.createDirectories(directory.resolve("plugins"));
            copyTree(PLUGIN, plugins.resolve("storage-gcs"));
            DefaultPluginManager manager = new LentApiPluginManager(plugins);
            try {
                manager.loadPlugins();
                manager.startPlugins();
                @SuppressWarnings("rawtypes")
                List<ObjectStoreFactory> factories = manager.getExtensions(ObjectStoreFactory.class, "storage-gcs");
                assertThat(factories).hasSize(1);
                ObjectStoreFactory<?> factory = factories.getFirst();
                ClassLoader pluginLoader = factory.getClass().getClassLoader();
                assertThat(factory.name()).isEqualTo("gcs");
                assertThat(pluginLoader).isInstanceOf(PluginClassLoader.class);
                assertThat(pluginLoader.loadClass("com.google.cloud.storage.Storage"))
                        .isNotSameAs(com.google.cloud.storage.Storage.class);

                Map<String, Object> section = Map.of("bucket", "plugin-objects", "createBucket", true,
                        "host", emulator.url(), "credentialsFile", key.file().toString());
                byte[] bytes = "from the plugin".getBytes(StandardCharsets.UTF_8);
                URI url = withContextLoader(pluginLoader, () -> {
                    try (ObjectStore store = create(factory, section)) {
                        store.ping();
                        store.put("a/b.txt", new ByteArrayInputStream(bytes), bytes.length, "text/plain");
                        try (InputStream in = store.get("a/b.txt")) {
                            assertThat(in.readAllBytes()).isEqualTo(bytes);
                        }
                        return store.presignGet("a/b.txt", Duration.ofMinutes(1));
                    }
                });
                HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo(bytes);
            } finally {
                manager.stopPlugins();
                manager.unloadPlugins();
            }
        }
    }

    /** Binds the section strictly to the factory's own config class, as the server does. */
    private static <C> ObjectStore create(ObjectStoreFactory<C> factory, Map<String, Object> section) {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return factory.create(mapper.convertValue(section, factory.configClass()), new TestContext());
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    /** The server calls into a plugin with the plugin's class loader as the context class loader. */
    private static <T> T withContextLoader(ClassLoader loader, Call<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
    }

    /** PF4J with a plugin class loader whose parent offers the JDK and the lent packages only. */
    private static final class LentApiPluginManager extends DefaultPluginManager {

        LentApiPluginManager(Path root) {
            super(root);
        }

        @Override
        protected PluginLoader createPluginLoader() {
            ClassLoader lentOnly = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
                @Override
                protected Class<?> findClass(String name) throws ClassNotFoundException {
                    if (name.startsWith("org.pf4j.") || LENT_PACKAGES.stream().anyMatch(name::startsWith)) {
                        return GcsPluginIT.class.getClassLoader().loadClass(name);
                    }
                    throw new ClassNotFoundException(name);
                }
            };
            return new BasePluginLoader(this, new DefaultPluginClasspath()) {
                @Override
                protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                    return new PluginClassLoader(pluginManager, descriptor, lentOnly, ClassLoadingStrategy.PDA);
                }
            };
        }
    }
}
