package com.stateset.sandbox.testing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Input streams generated as they are read, for tests of code that streams. */
public final class TestStreams {

    private TestStreams() {
    }

    /** {@code size} zero bytes, then an {@link IOException} ("source broke") instead of the end. */
    public static InputStream failingAfter(long size) {
        return new Generated(size, true);
    }

    /** {@code size} bytes of a repeating, non-trivial pattern. */
    public static InputStream pattern(long size) {
        return new Generated(size, false);
    }

    private static final class Generated extends InputStream {
        private final long size;
        private final boolean fails;
        private long position;

        Generated(long size, boolean fails) {
            this.size = size;
            this.fails = fails;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= size) {
                if (fails) {
                    throw new IOException("source broke");
                }
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            if (fails) {
                Arrays.fill(b, off, off + n, (byte) 0);
                position += n;
            } else {
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) (position++ * 31 % 251);
                }
            }
            return n;
        }
    }
}
