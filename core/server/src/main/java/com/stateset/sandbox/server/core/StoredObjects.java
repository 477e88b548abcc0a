package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.archive.Checksums;
import com.stateset.sandbox.spi.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's use of the object store: hashed, size-capped puts and best-effort removal. */
public final class StoredObjects {

    private static final Logger LOG = LoggerFactory.getLogger(StoredObjects.class);

    private final ObjectStore store;

    public StoredObjects(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    public ObjectStore store() {
        return store;
    }

    /** What a put stored: its size and SHA-256. */
    public record Stored(long size, String checksum) {
    }

    /** Thrown when a stream passes its allowance; the put it fed failed and stored nothing. */
    public static final class OverAllowance extends IOException {
        OverAllowance() {
            super("over the storage allowance");
        }
    }

    /**
     * Stores {@code data}, hashing it as it passes; fails with {@link OverAllowance} somewhere in
     * the causes once more than {@code allowance} bytes have been read.
     */
    public Stored put(String key, InputStream data, long length, String contentType, long allowance) {
        Checksums.HashingInputStream hashed = new Checksums.HashingInputStream(new Capped(data, allowance));
        store.put(key, hashed, length, contentType);
        return new Stored(hashed.count(), hashed.hex());
    }

    /** Whether {@code failure} came from passing an allowance. */
    public static boolean overAllowance(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OverAllowance) {
                return true;
            }
        }
        return false;
    }

    /** Deletes the objects; false (logged) if the store failed, so the caller leaves it to the sweeper. */
    public boolean deleteQuietly(List<String> keys) {
        try {
            for (String key : keys) {
                store.delete(key);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("deleting {} failed; the storage sweeper will retry: {}", keys, e.getMessage());
            return false;
        }
    }

    private static final class Capped extends FilterInputStream {
        private long left;

        Capped(InputStream in, long allowance) {
            super(in);
            this.left = allowance;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new OverAllowance();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (left -= n) < 0) {
                throw new OverAllowance();
            }
            return n;
        }
    }
}
