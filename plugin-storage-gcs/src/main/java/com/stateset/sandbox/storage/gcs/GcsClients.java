package com.stateset.sandbox.storage.gcs;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.time.Duration;

/** Builds the JSON-API client a store uses. */
final class GcsClients {

    /**
     * The project named for an emulator when none is configured: emulators ignore it, and without
     * one the client would ask the Compute Engine metadata server for it.
     */
    static final String EMULATOR_PROJECT = "local";

    private GcsClients() {
    }

    static Storage connect(GcsStoreConfig config, GcsCredentials credentials) {
        HttpStorageOptions.Builder options = StorageOptions.http()
                .setCredentials(credentials.requests())
                .setTransportOptions(HttpTransportOptions.newBuilder()
                        .setConnectTimeout(millis(config.connectTimeoutSeconds()))
                        .setReadTimeout(millis(config.readTimeoutSeconds()))
                        .build())
                // Short waits between tries, so an unreachable store is reported within seconds.
                .setRetrySettings(ServiceOptions.getDefaultRetrySettings().toBuilder()
                        .setMaxAttempts(config.maxAttempts())
                        .setInitialRetryDelayDuration(Duration.ofMillis(500))
                        .setRetryDelayMultiplier(2.0)
                        .setMaxRetryDelayDuration(Duration.ofSeconds(4))
                        .build());
        String projectId = projectId(config, credentials);
        if (projectId != null) {
            options.setProjectId(projectId);
        }
        if (config.host() != null) {
            options.setHost(config.host().replaceAll("/$", ""));
        }
        return options.build().getService();
    }

    private static String projectId(GcsStoreConfig config, GcsCredentials credentials) {
        if (config.projectId() != null) {
            return config.projectId();
        }
        String fromKey = credentials.signingKey().map(ServiceAccountCredentials::getProjectId).orElse(null);
        if (fromKey != null) {
            return fromKey;
        }
        return config.host() != null ? EMULATOR_PROJECT : null;
    }

    private static int millis(int seconds) {
        return Math.toIntExact(Duration.ofSeconds(seconds).toMillis());
    }
}
