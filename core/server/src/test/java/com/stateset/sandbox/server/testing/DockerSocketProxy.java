package com.stateset.sandbox.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Unix socket that forwards to the real Docker engine's socket, and that a test can cut and
 * restore: the engine going away and coming back, as the server sees it.
 */
public final class DockerSocketProxy implements AutoCloseable {

    private static final Path ENGINE = Path.of("/var/run/docker.sock");
    private final Path socket;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocketChannel server;

    public DockerSocketProxy(Path socket) {
        this.socket = socket;
        restore();
    }

    /** The address to configure as the runtime's {@code host}. */
    public String host() {
        return "unix://" + socket.toAbsolutePath();
    }

    public synchronized void restore() {
        try {
            Files.deleteIfExists(socket);
            ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socket));
            server = listener;
            Thread.ofVirtual().start(() -> accept(listener));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the listener and every forwarded connection: the engine is unreachable until restored. */
    public synchronized void cut() {
        closeQuietly(server);
        open.forEach(DockerSocketProxy::closeQuietly);
        open.clear();
    }

    private void accept(ServerSocketChannel listener) {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(ENGINE));
                open.add(client);
                open.add(engine);
                Thread.ofVirtual().start(() -> pump(client, engine));
                Thread.ofVirtual().start(() -> pump(engine, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        cut();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // temp file
        }
    }
}
