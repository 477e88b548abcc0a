package com.stateset.sandbox.images;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The recipes of a template catalog ({@code images/templates.yaml}, bundled in the builder's jar, or
 * an operator's own file of the same shape). Only each template's name and {@code build} part are
 * the builder's; the rest is the server's. Every value ends up in a shell script, so each is checked
 * against what it may be, and the first one that is not is named.
 */
final class Catalog {

    static final String BUNDLED = "templates.yaml";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern DEBIAN_PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern NPM_PACKAGE = Pattern.compile("(@[a-z0-9._~-]+/)?[a-z0-9._~-]+(@[A-Za-z0-9._^~<>=-]+)?");
    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9._+-]+");

    private final Map<String, Recipe> byName;

    private Catalog(Map<String, Recipe> byName) {
        this.byName = byName;
    }

    static Catalog bundled() {
        try (InputStream in = Catalog.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new CatalogException("the bundled catalog " + BUNDLED + " is missing from the builder's jar");
            }
            return parse(in, BUNDLED);
        } catch (IOException e) {
            throw new CatalogException(BUNDLED + ": cannot be read: " + e.getMessage());
        }
    }

    static Catalog read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot be read: " + e.getMessage());
        }
    }

    static Catalog parse(InputStream in, String source) {
        CatalogFile file;
        try {
            file = new YAMLMapper().readValue(in, CatalogFile.class);
        } catch (JacksonException e) {
            throw new CatalogException(source + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CatalogException(source + ": cannot be read: " + e.getMessage());
        }
        if (file == null || file.templates() == null || file.templates().isEmpty()) {
            throw new CatalogException(source + ": templates: none");
        }
        Map<String, Recipe> byName = new LinkedHashMap<>();
        for (int i = 0; i < file.templates().size(); i++) {
            Recipe recipe = recipe(file.templates().get(i), source + ": templates[" + i + "]");
            if (byName.put(recipe.name(), recipe) != null) {
                throw new CatalogException(source + ": templates[" + i + "].name: " + recipe.name() + " is defined twice");
            }
        }
        return new Catalog(byName);
    }

    private static Recipe recipe(Entry entry, String at) {
        if (entry == null) {
            throw new CatalogException(at + ": empty");
        }
        check(entry.name(), NAME, at + ".name");
        Build build = entry.build();
        if (build == null) {
            throw new CatalogException(at + ".build: missing");
        }
        List<String> packages = checkAll(build.packages(), DEBIAN_PACKAGE, at + ".build.packages");
        List<String> npmPackages = checkAll(build.npmPackages(), NPM_PACKAGE, at + ".build.npmPackages");
        List<String> commands = checkAll(build.optionalCommands(), COMMAND, at + ".build.optionalCommands");
        if (build.smokeTest() == null || build.smokeTest().isBlank() || build.smokeTest().contains("\n")) {
            throw new CatalogException(at + ".build.smokeTest: must be one line of shell");
        }
        return new Recipe(entry.name(), packages, npmPackages, Boolean.TRUE.equals(build.nodeModules()), build.smokeTest(), commands);
    }

    private static List<String> checkAll(List<String> values, Pattern pattern, String at) {
        List<String> checked = new ArrayList<>();
        for (int i = 0; values != null && i < values.size(); i++) {
            checked.add(check(values.get(i), pattern, at + "[" + i + "]"));
        }
        return checked;
    }

    private static String check(String value, Pattern pattern, String at) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new CatalogException(at + ": '" + value + "' is not a valid value (" + pattern + ")");
        }
        return value;
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    Optional<Recipe> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private record CatalogFile(List<Entry> templates) {
    }

    /** A template: the server's fields are not the builder's business. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Entry(String name, Build build) {
    }

    private record Build(List<String> packages, List<String> npmPackages, Boolean nodeModules, String smokeTest,
            List<String> optionalCommands) {
    }

    /** A catalog that cannot be used, with where. */
    static final class CatalogException extends RuntimeException {
        CatalogException(String message) {
            super(message);
        }
    }
}
