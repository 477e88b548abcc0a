package com.stateset.sandbox.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The data of a put, as minio-java reads it: a read failure, or an end before the stated length,
 * surfaces as {@link SourceReadException}, so that it is told apart from a failure to reach S3. Does
 * not close the caller's stream.
 */
final class SourceStream extends FilterInputStream {

    private final long length;
    private long read;

    /** @param length the bytes {@code data} is said to hold, or -1 when not known */
    SourceStream(InputStream data, long length) {
        super(data);
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw new SourceReadException(String.valueOf(e.getMessage()), e);
        }
        if (n < 0 && length >= 0 && read < length) {
            throw new SourceReadException("ended after " + read + " of " + length + " bytes", null);
        }
        read += Math.max(n, 0);
        return n;
    }

    @Override
    public void close() {
    }
}
