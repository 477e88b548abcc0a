package com.stateset.sandbox.server.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps up to {@code cap} bytes of one output stream and notes whether more came. */
final class OutputBuffer {

    private final long cap;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean truncated;

    OutputBuffer(long cap) {
        this.cap = cap;
    }

    synchronized void append(byte[] data, int offset, int length) {
        long room = cap - bytes.size();
        if (length > room) {
            truncated = true;
        }
        if (room > 0) {
            bytes.write(data, offset, (int) Math.min(room, length));
        }
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    synchronized byte[] bytes() {
        return bytes.toByteArray();
    }

    synchronized boolean truncated() {
        return truncated;
    }
}
