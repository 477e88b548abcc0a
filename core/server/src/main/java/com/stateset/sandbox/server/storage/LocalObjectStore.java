package com.stateset.sandbox.server.storage;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.storage.ObjectInfo;
import com.stateset.sandbox.spi.storage.ObjectKeys;
import com.stateset.sandbox.spi.storage.ObjectNotFoundException;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Objects as files under a root directory: {@code objects/<key>} holds the bytes and
 * {@code types/<key>} the content type. A put writes a temporary file and renames it into place, so a
 * reader sees the old object or the whole new one. Keys pass {@link ObjectKeys#check}, and no path
 * component under the root may be a symbolic link, so a key never reaches outside the root.
 *
 * <p>Presigned URLs point at this server's {@code /files/} endpoint and carry an HMAC signature
 * ({@link UrlSigner}).
 */
public final class LocalObjectStore implements ObjectStore {

    private final Path objects;
    private final Path types;
    private final Path staging;
    private final UrlSigner signer;
    private final Supplier<URI> publicUrl;
    private final Clock clock;

    public LocalObjectStore(Path root, UrlSigner signer, Supplier<URI> publicUrl, Clock clock) {
        requireNonNull(root, "root is null");
        this.signer = requireNonNull(signer, "signer is null");
        this.publicUrl = requireNonNull(publicUrl, "publicUrl is null");
        this.clock = requireNonNull(clock, "clock is null");
        Path absolute = root.toAbsolutePath().normalize();
        this.objects = absolute.resolve("objects");
        this.types = absolute.resolve("types");
        this.staging = absolute.resolve("staging");
        try {
            for (Path dir : List.of(objects, types, staging)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new ObjectStoreException("cannot create the object store under " + absolute + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ObjectInfo put(String key, InputStream data, long length, String contentType) {
        ping();
        Path target = resolve(objects, key);
        Path typeFile = resolve(types, key);
        Path temp = staging.resolve(UUID.randomUUID().toString());
        try {
            long written;
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
                written = data.transferTo(out);
            }
            if (length >= 0 && written != length) {
                throw new ObjectStoreException(key + ": expected " + length + " bytes, got " + written);
            }
            createParents(target);
            createParents(typeFile);
            Files.writeString(typeFile, contentType == null ? ObjectInfo.DEFAULT_CONTENT_TYPE : contentType,
                    StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return info(key, target);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException | NotDirectoryException e) {
            throw new ObjectStoreException(key + ": conflicts with an existing object (a key cannot also be a prefix"
                    + " of another key in the local store)", e);
        } catch (IOException e) {
            throw failure(key, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public InputStream get(String key) {
        Path file = resolve(objects, key);
        ping();
        try {
            return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Path file = resolve(objects, key);
        ping();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(info(key, file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.checkPrefix(prefix);
        ping();
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? objects : resolve(objects, prefix.substring(0, slash));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<ObjectInfo> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String key = objects.relativize(file).toString();
                if (key.startsWith(prefix)) {
                    found.add(info(key, file));
                }
            }
        } catch (NoSuchFileException e) {
            // removed while listing
        } catch (IOException e) {
            throw failure(prefix, e);
        }
        found.sort(Comparator.comparing(ObjectInfo::key));
        return found;
    }

    @Override
    public void delete(String key) {
        Path file = resolve(objects, key);
        ping();
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            return; // other keys are stored below it, none under it
        }
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(resolve(types, key));
            pruneEmptyParents(file, objects);
            pruneEmptyParents(resolve(types, key), types);
        } catch (NotDirectoryException e) {
            // a prefix of the key is an object: nothing is stored under the key
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    @Override
    public URI presignGet(String key, Duration expiry) {
        ObjectKeys.check(key);
        long expires = clock.instant().plus(expiry).getEpochSecond();
        String base = publicUrl.get().toString().replaceAll("/+$", "");
        return URI.create(base + "/files/" + UrlSigner.encodePath(key) + "?expires=" + expires
                + "&signature=" + signer.sign(key, expires));
    }

    /** Whether a presigned URL's signature is this store's for the key and expiry. */
    public boolean signedBy(String key, long expiresEpochSecond, String signature) {
        return signer.verify(key, expiresEpochSecond, signature);
    }

    /** Unavailable while its directories are missing or not writable (an unmounted volume, say). */
    @Override
    public void ping() {
        if (!Files.isDirectory(objects) || !Files.isWritable(staging)) {
            throw new ObjectStoreUnavailableException("the object store directory " + objects.getParent()
                    + " is missing or not writable", null);
        }
    }

    @Override
    public void close() {
    }

    private ObjectInfo info(String key, Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Path typeFile = resolve(types, key);
        String type = Files.isRegularFile(typeFile, LinkOption.NOFOLLOW_LINKS)
                ? Files.readString(typeFile, StandardCharsets.UTF_8) : ObjectInfo.DEFAULT_CONTENT_TYPE;
        return new ObjectInfo(key, attributes.size(), type, attributes.lastModifiedTime().toInstant());
    }

    /** The file for {@code key} under {@code base}, refusing any symbolic link on the way. */
    private static Path resolve(Path base, String key) {
        ObjectKeys.check(key);
        Path path = base;
        for (String segment : key.split("/")) {
            path = path.resolve(segment);
            if (Files.isSymbolicLink(path)) {
                throw new ObjectStoreException(key + ": the object store holds a symbolic link on this path");
            }
        }
        if (!path.normalize().startsWith(base)) {
            throw new IllegalArgumentException("invalid object key: " + key);
        }
        return path;
    }

    private static void createParents(Path file) throws IOException {
        Files.createDirectories(file.getParent());
    }

    private static void pruneEmptyParents(Path file, Path base) {
        Path dir = file.getParent();
        while (dir != null && !dir.equals(base) && dir.startsWith(base)) {
            try {
                Files.delete(dir);
            } catch (IOException notEmptyOrGone) {
                return;
            }
            dir = dir.getParent();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover staging file holds no object; the next start may remove it
        }
    }

    private static ObjectStoreException failure(String key, IOException e) {
        String message = key + ": " + e.getClass().getSimpleName() + " " + e.getMessage();
        // The server's own user may not write its store: so it stays until the operator fixes it.
        return e instanceof java.nio.file.AccessDeniedException ? new ObjectStoreMisconfiguredException(message, e)
                : new ObjectStoreException(message, e);
    }
}
