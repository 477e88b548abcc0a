package com.example.sandbox.sink;

import com.stateset.sandbox.spi.events.DeliveryResult;
import com.stateset.sandbox.spi.events.Event;
import com.stateset.sandbox.spi.events.EventSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends each event's JSON body as one line. A line is on disk before the delivery counts, so a
 * crash loses none; the server may deliver an event again after a crash, so a reader drops lines
 * whose {@code id} it has seen. A failed write is retried by the server later.
 */
final class JsonLinesSink implements EventSink {

    private final Path file;
    private FileChannel channel;

    JsonLinesSink(Path file) {
        this.file = file.toAbsolutePath();
    }

    @Override
    public synchronized DeliveryResult deliver(Event event) {
        // The server's event bodies are compact JSON: one line each.
        ByteBuffer line = ByteBuffer.wrap((event.body() + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            FileChannel out = open();
            while (line.hasRemaining()) {
                out.write(line);
            }
            out.force(false);
            return DeliveryResult.delivered(null);
        } catch (IOException e) {
            closeQuietly();
            return DeliveryResult.retry(null, "cannot append to " + file + ": " + e, null);
        }
    }

    private FileChannel open() throws IOException {
        if (channel == null) {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        return channel;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was pending: every delivery forced its line to disk.
            }
            channel = null;
        }
    }
}
