package com.stateset.sandbox.storage.s3;

import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreFactory;
import io.minio.MinioClient;
import io.minio.credentials.AwsEnvironmentProvider;
import io.minio.credentials.Provider;
import io.minio.credentials.StaticProvider;
import java.time.Duration;
import org.pf4j.Extension;

/**
 * {@code storage.type: s3}: objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, ...). Nothing is
 * sent to S3 at start unless {@code createBucket} is set, so the server starts while S3 is down.
 */
@Extension
public class S3ObjectStoreFactory implements ObjectStoreFactory<S3StoreConfig> {

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Class<S3StoreConfig> configClass() {
        return S3StoreConfig.class;
    }

    @Override
    public ObjectStore create(S3StoreConfig config, PluginContext context) {
        MinioClient client = MinioClient.builder()
                .endpoint(config.endpoint())
                .region(config.region())
                .credentialsProvider(credentials(config))
                .build();
        long connect = Duration.ofSeconds(config.connectTimeoutSeconds()).toMillis();
        long readWrite = Duration.ofSeconds(config.readTimeoutSeconds()).toMillis();
        client.setTimeout(connect, readWrite, readWrite);
        if (config.pathStyle()) {
            client.disableVirtualStyleEndpoint();
        } else {
            client.enableVirtualStyleEndpoint();
        }
        S3ObjectStore store = new S3ObjectStore(client, config.endpoint(), config.bucket(), config.keyPrefix());
        if (config.createBucket()) {
            try {
                store.createBucketIfMissing(config.region());
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }
        return store;
    }

    /** The configured keys, else the AWS variables of the environment (with AWS_SESSION_TOKEN, if set). */
    private static Provider credentials(S3StoreConfig config) {
        if (!S3StoreConfig.isBlank(config.accessKey())) {
            return new StaticProvider(config.accessKey(), config.secretKey(), null);
        }
        Provider environment = new AwsEnvironmentProvider();
        try {
            environment.fetch();
        } catch (RuntimeException missing) {
            // The provider refuses absent or empty keys; its message is about its own arguments.
            throw new IllegalArgumentException("no S3 credentials: set accessKey and secretKey, or the environment"
                    + " variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        }
        return environment;
    }
}
