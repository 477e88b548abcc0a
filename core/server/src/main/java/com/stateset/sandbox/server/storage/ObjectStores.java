package com.stateset.sandbox.server.storage;

import com.stateset.sandbox.server.config.KeyFile;
import com.stateset.sandbox.server.config.LocalStoreConfig;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.config.StorageConfig;
import com.stateset.sandbox.server.plugin.ExtensionConfigBinder;
import com.stateset.sandbox.server.plugin.PluginHost;
import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/** Creates the configured object store: the built-in local store, or a plugin's. */
public final class ObjectStores {

    public static final String LOCAL = "local";
    private static final String SECRET_FILE = "storage-url-secret";

    private ObjectStores() {
    }

    @SuppressWarnings("unchecked")
    public static ObjectStore plugin(StorageConfig config, PluginHost plugins, Function<String, PluginContext> context) {
        Class<ObjectStoreFactory<?>> factoryType = (Class<ObjectStoreFactory<?>>) (Class<?>) ObjectStoreFactory.class;
        Set<String> types = new TreeSet<>(plugins.types(factoryType));
        if (!types.contains(config.type())) {
            types.add(LOCAL);
            throw new StartupException("storage.type: unknown type '" + config.type() + "'; installed types are " + types);
        }
        return plugins.create("storage", config, factoryType, ObjectStore.class, context);
    }

    public static LocalObjectStore local(LocalStoreConfig config, Path dataDirectory, Supplier<URI> publicUrl, Clock clock) {
        Path root = config.root() == null ? dataDirectory.resolve("storage") : Path.of(config.root());
        return new LocalObjectStore(root, signer(config, dataDirectory), publicUrl, clock);
    }

    /** The configured secret, or one generated on first start and kept (owner-only) in the data directory. */
    private static UrlSigner signer(LocalStoreConfig config, Path dataDirectory) {
        if (config.urlSigningSecret() != null) {
            return new UrlSigner(config.urlSigningSecret().getBytes(StandardCharsets.UTF_8));
        }
        Path file = dataDirectory.resolve(SECRET_FILE);
        try {
            return new UrlSigner(KeyFile.readOrCreate(file, 32, HexFormat.of()::formatHex, HexFormat.of()::parseHex).bytes());
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("storage: cannot read or create the URL signing secret " + file + ": " + e.getMessage());
        }
    }

    /** The local store also needs {@link SignedFileResource}; other stores serve their own URLs. */
    public static boolean isLocal(StorageConfig config) {
        return LOCAL.equals(config.type());
    }
}
