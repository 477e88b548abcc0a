package com.stateset.sandbox.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * Saved logins: {@code profiles.json} under the user's configuration directory
 * ({@code $XDG_CONFIG_HOME/stateset-sandbox}, default {@code ~/.config/stateset-sandbox}), readable
 * by its owner only (0600), since it holds API keys.
 */
final class Profiles {

    /** One profile: a server and a key for it. */
    record Profile(String url, String apiKey) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    Profiles(Path file) {
        this.file = file;
    }

    /** The profiles file of this user, as the environment places it. */
    static Profiles ofUser(Map<String, String> env) {
        String base = env.get("XDG_CONFIG_HOME");
        Path directory = base != null && !base.isBlank() ? Path.of(base) : Path.of(System.getProperty("user.home"), ".config");
        return new Profiles(directory.resolve("stateset-sandbox").resolve("profiles.json"));
    }

    Path file() {
        return file;
    }

    /** The named profile, or null. */
    Profile get(String name) {
        return read().get(name);
    }

    /** Saves a profile, replacing one of the same name; the file is written whole, then moved into place, mode 0600. */
    void save(String name, Profile profile) {
        Map<String, Profile> profiles = read();
        profiles.put(name, profile);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "profiles", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            ObjectNode root = JSON.createObjectNode();
            profiles.forEach((key, value) -> root.putObject(key).put("url", value.url()).put("api_key", value.apiKey()));
            Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the profile in " + file, e);
        }
    }

    private Map<String, Profile> read() {
        Map<String, Profile> profiles = new TreeMap<>();
        if (!Files.exists(file)) {
            return profiles;
        }
        try {
            JSON.readTree(file.toFile()).fields().forEachRemaining(entry ->
                    profiles.put(entry.getKey(), new Profile(entry.getValue().path("url").asText(null), entry.getValue().path("api_key").asText(null))));
            return profiles;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (fix or delete it, then `sbx login` again)", e);
        }
    }
}
