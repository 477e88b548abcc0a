package com.stateset.sandbox.server.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.stateset.sandbox.server.config.CatalogConfig;
import com.stateset.sandbox.server.config.TemplateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The template catalog bundled with the server: {@code images/templates.yaml}, the file the image
 * builder builds from. The server takes each template's listing and sandbox defaults from it and
 * leaves its {@code build} recipe to the builder.
 */
public final class TemplateCatalog {

    static final String RESOURCE = "templates.yaml";

    private TemplateCatalog() {
    }

    /** The templates a server offers: the catalog's (when enabled), then the configured ones, which replace a catalog template of their name. */
    public static List<TemplateConfig> effective(CatalogConfig catalog, List<TemplateConfig> configured) {
        Map<String, TemplateConfig> byName = new LinkedHashMap<>();
        if (catalog.enabled()) {
            bundled(catalog.imagePrefix()).forEach(t -> byName.put(t.name(), t));
        }
        List<TemplateConfig> added = new ArrayList<>();
        for (TemplateConfig t : configured) {
            if (byName.containsKey(t.name())) {
                byName.put(t.name(), t);
            } else {
                added.add(t);
            }
        }
        List<TemplateConfig> all = new ArrayList<>(byName.values());
        all.addAll(added);
        return all;
    }

    /** The catalog's templates, their images under {@code imagePrefix}. */
    public static List<TemplateConfig> bundled(String imagePrefix) {
        YAMLMapper yaml = new YAMLMapper();
        try (InputStream in = TemplateCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the template catalog " + RESOURCE + " is missing from the server's jar");
            }
            List<TemplateConfig> templates = new ArrayList<>();
            for (JsonNode node : yaml.readTree(in).path("templates")) {
                ObjectNode template = ((ObjectNode) node).deepCopy();
                template.remove("build");
                template.put("image", imagePrefix + "/" + template.path("name").asText() + ":latest");
                templates.add(yaml.treeToValue(template, TemplateConfig.class));
            }
            return templates;
        } catch (IOException e) {
            throw new UncheckedIOException("the template catalog " + RESOURCE + " cannot be read", e);
        }
    }
}
