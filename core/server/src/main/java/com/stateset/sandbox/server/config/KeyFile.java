package com.stateset.sandbox.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.function.Function;

/** A random key kept in a file that only its owner may read or write, made on first use. */
public final class KeyFile {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The key, and whether this call made it. */
    public record Key(byte[] bytes, boolean created) {
    }

    private KeyFile() {
    }

    /**
     * Reads {@code file}, or first writes {@code length} random bytes to it (atomically, so a crash
     * never leaves half a key), as {@code encode} spells them.
     */
    public static Key readOrCreate(Path file, int length, Function<byte[], String> encode, Function<String, byte[]> decode)
            throws IOException {
        boolean created = false;
        if (!Files.exists(file)) {
            byte[] key = new byte[length];
            RANDOM.nextBytes(key);
            Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temp, encode.apply(key));
                // A link, unlike a rename, never replaces: of two processes starting at once, one key wins.
                Files.createLink(file, temp);
                created = true;
            } catch (FileAlreadyExistsException anotherWon) {
                // the other process's key is the one
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return new Key(decode.apply(Files.readString(file).trim()), created);
    }
}
