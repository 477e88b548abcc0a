package com.stateset.sandbox.storage.gcs;

import com.google.cloud.storage.Storage;
import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreFactory;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code storage.type: gcs}: objects in a Google Cloud Storage bucket. */
@Extension
public class GcsObjectStoreFactory implements ObjectStoreFactory<GcsStoreConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(GcsObjectStoreFactory.class);

    @Override
    public String name() {
        return "gcs";
    }

    @Override
    public Class<GcsStoreConfig> configClass() {
        return GcsStoreConfig.class;
    }

    @Override
    public ObjectStore create(GcsStoreConfig config, PluginContext context) {
        GcsCredentials credentials = GcsCredentials.load(config);
        if (credentials.signingKey().isEmpty()) {
            LOG.warn("storage: no service account key to sign URLs with; presigned URLs will fail (set credentialsFile)");
        }
        Storage storage = GcsClients.connect(config, credentials);
        GcsObjectStore store = new GcsObjectStore(storage, config.bucket(), config.prefix(), credentials.signingKey(),
                config.host());
        try {
            if (config.createBucket()) {
                store.createBucketIfMissing();
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.info("storage: Cloud Storage bucket {}{}{}", config.bucket(),
                config.prefix().isEmpty() ? "" : ", prefix " + config.prefix(),
                config.host() == null ? "" : ", at " + config.host());
        return store;
    }
}
