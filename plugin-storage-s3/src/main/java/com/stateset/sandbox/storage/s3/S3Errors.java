package com.stateset.sandbox.storage.s3;

import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import javax.net.ssl.SSLException;

/** Turns minio-java failures into the SPI's exceptions. */
final class S3Errors {

    /** A call to S3 through minio-java, which throws a family of checked exceptions. */
    @FunctionalInterface
    interface S3Call<T> {
        T call() throws Exception;
    }

    private S3Errors() {
    }

    /** Runs {@code call}, translating its failure; {@code what} says what was attempted, for messages. */
    static <T> T run(String what, S3Call<T> call) {
        try {
            return call.call();
        } catch (IllegalArgumentException | ObjectStoreException e) {
            throw e;
        } catch (Exception e) {
            throw translate(what, e);
        }
    }

    static boolean hasCode(Exception e, String code) {
        return e instanceof ErrorResponseException error && code.equals(error.errorResponse().code());
    }

    static ObjectStoreException translate(String what, Exception e) {
        // minio-java wraps an interrupt in a RuntimeException; the caller should still see it.
        if (cause(e, InterruptedException.class) != null) {
            Thread.currentThread().interrupt();
        }
        SourceReadException source = cause(e, SourceReadException.class);
        if (source != null) {
            return new ObjectStoreException(what + ": reading the data failed: " + source.getMessage(), source.getCause());
        }
        if (e instanceof ErrorResponseException error) {
            int status = error.response().code();
            String message = what + ": S3 answered " + status + " " + error.errorResponse().code() + ": "
                    + error.errorResponse().message();
            // 500 and 503 (SlowDown) are S3's way of asking for a retry later; credentials refused,
            // a missing bucket or a clock S3 finds skewed stay so until the operator acts.
            if (status >= 500) {
                return new ObjectStoreUnavailableException(message, e);
            }
            // (S3 answers 400 RequestTimeout to an upload that stalled: that one a retry may cure.)
            return (status == 400 && !hasCode(e, "RequestTimeout")) || status == 401 || status == 403 || hasCode(e, "NoSuchBucket")
                    ? new ObjectStoreMisconfiguredException(message, e) : new ObjectStoreException(message, e);
        }
        if (e instanceof ServerException error && error.statusCode() >= 500) {
            return new ObjectStoreUnavailableException(what + ": S3 answered " + error.statusCode(), e);
        }
        // Failures to connect, resolve, or hear back in time; a TLS failure is a setup problem, not an outage.
        IOException io = cause(e, IOException.class);
        if (io instanceof SSLException) {
            return new ObjectStoreMisconfiguredException(what + ": TLS with S3 failed: " + io, e);
        }
        if (io != null) {
            return new ObjectStoreUnavailableException(what + ": S3 unreachable: " + io, e);
        }
        return new ObjectStoreException(what + ": " + e, e);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
