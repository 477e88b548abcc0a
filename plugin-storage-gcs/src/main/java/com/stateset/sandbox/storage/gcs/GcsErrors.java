package com.stateset.sandbox.storage.gcs;

import com.google.cloud.storage.StorageException;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import java.io.IOException;
import java.util.Optional;

/** Turns the client's failures into the SPI's: no answer at all, or a busy service, is "unavailable". */
final class GcsErrors {

    private GcsErrors() {
    }

    /** The HTTP status Cloud Storage answered with, if the failure carries one. */
    static Optional<Integer> status(Throwable failure) {
        return storageException(failure).map(StorageException::getCode).filter(code -> code > 0);
    }

    static boolean isNotFound(Throwable failure) {
        return status(failure).filter(code -> code == 404).isPresent();
    }

    /** @param what the operation and its object, for the message ({@code "put reports/a.pdf"}) */
    static ObjectStoreException translate(String what, Throwable failure) {
        Optional<Integer> status = status(failure);
        if (status.isEmpty() && hasCause(failure, IOException.class)) {
            return new ObjectStoreUnavailableException(what + ": Cloud Storage cannot be reached ("
                    + rootMessage(failure) + ")", failure);
        }
        int code = status.orElse(0);
        if (code == 429 || code >= 500) {
            return new ObjectStoreUnavailableException(what + ": Cloud Storage is not answering (HTTP " + code + ": "
                    + message(failure) + ")", failure);
        }
        if (code == 401 || code == 403) {
            return new ObjectStoreMisconfiguredException(what + ": permission denied (HTTP " + code + ": " + message(failure)
                    + ")", failure);
        }
        return new ObjectStoreException(what + ": " + message(failure), failure);
    }

    private static Optional<StorageException> storageException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StorageException storage) {
                return Optional.of(storage);
            }
        }
        return Optional.empty();
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable failure) {
        return storageException(failure).map(Throwable::getMessage).orElseGet(failure::toString);
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.toString();
    }
}
