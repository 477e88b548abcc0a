package com.stateset.sandbox.storage.gcs;

import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a store authenticates with: the credentials its requests carry, and the service-account key
 * that signs URLs locally (without asking IAM to sign), when there is one.
 */
record GcsCredentials(Credentials requests, Optional<ServiceAccountCredentials> signingKey) {

    static GcsCredentials load(GcsStoreConfig config) {
        Optional<ServiceAccountCredentials> key = config.credentialsFile() == null
                ? Optional.empty()
                : Optional.of(readKey(Path.of(config.credentialsFile())));
        if (config.host() != null) {
            // Emulators take any request; a key's token endpoint may not even be reachable.
            return new GcsCredentials(NoCredentials.getInstance(), key);
        }
        if (key.isPresent()) {
            return new GcsCredentials(key.get(), key);
        }
        GoogleCredentials defaults = applicationDefault();
        return new GcsCredentials(defaults, Optional.of(defaults)
                .filter(ServiceAccountCredentials.class::isInstance)
                .map(ServiceAccountCredentials.class::cast));
    }

    /**
     * The key in {@code file}. Parser messages can quote the file's content, so they are never
     * passed on: only what kind of failure it was.
     */
    static ServiceAccountCredentials readKey(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return ServiceAccountCredentials.fromStream(in);
        } catch (NoSuchFileException e) {
            throw new ObjectStoreException("credentialsFile " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new ObjectStoreException("credentialsFile " + file + " cannot be read by this process");
        } catch (IOException | RuntimeException e) {
            throw new ObjectStoreException("credentialsFile " + file + " is not a service account's JSON key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static GoogleCredentials applicationDefault() {
        try {
            return GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw new ObjectStoreException("no credentialsFile is set and no Application Default Credentials were"
                    + " found: " + e.getMessage(), e);
        }
    }
}
