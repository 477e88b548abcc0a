package com.stateset.sandbox.server.templates;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.config.TemplateConfig;
import com.stateset.sandbox.server.errors.DomainException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The configured templates, by name, and the images a sandbox may run. */
public final class Templates {

    private final Map<String, TemplateConfig> byName = new LinkedHashMap<>();
    private final String defaultName;
    private final Set<String> images = new LinkedHashSet<>();

    /** @param allowedImages images a create may name besides the templates' own */
    public Templates(List<TemplateConfig> templates, String defaultName, List<String> allowedImages) {
        if (templates.isEmpty()) {
            throw new StartupException("templates: none; list some, or turn the catalog on (catalog.enabled)");
        }
        for (TemplateConfig t : templates) {
            if (byName.put(t.name(), t) != null) {
                throw new StartupException("templates: " + t.name() + " is defined twice");
            }
            images.add(t.image());
        }
        if (!byName.containsKey(defaultName)) {
            throw new StartupException("defaultTemplate: " + defaultName + " is not among templates " + byName.keySet());
        }
        this.defaultName = defaultName;
        images.addAll(allowedImages);
    }

    public Optional<TemplateConfig> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The named template, or the default for null; 400 listing the valid names otherwise. */
    public TemplateConfig resolve(String name) {
        return resolve("template", name);
    }

    /** {@link #resolve(String)} for a request field of another name. */
    public TemplateConfig resolve(String field, String name) {
        TemplateConfig template = byName.get(name == null ? defaultName : name);
        if (template == null) {
            throw DomainException.validation(field, "unknown template '" + name + "'", byName.keySet());
        }
        return template;
    }

    /** The template named by a path; 404 otherwise. */
    public TemplateConfig get(String name) {
        return find(name).orElseThrow(() -> DomainException.notFound(ErrorCodes.TEMPLATE_NOT_FOUND, "template " + name + " not found"));
    }

    public List<TemplateConfig> all() {
        return List.copyOf(byName.values());
    }

    /**
     * Templates of a category (if given, ignoring case) whose name, description, category or tags
     * contain {@code search} (if given, ignoring case).
     */
    public List<TemplateConfig> search(String category, String search) {
        String text = search == null ? null : search.toLowerCase(Locale.ROOT);
        return byName.values().stream()
                .filter(t -> category == null || category.isEmpty() || t.category().equalsIgnoreCase(category))
                .filter(t -> text == null || text.isEmpty() || String.join(" ", t.name(), t.description(), t.category(),
                        String.join(" ", t.tags())).toLowerCase(Locale.ROOT).contains(text))
                .toList();
    }

    /** The images sandboxes may run: the templates', then the allowed others. */
    public List<String> images() {
        return List.copyOf(images);
    }
}
