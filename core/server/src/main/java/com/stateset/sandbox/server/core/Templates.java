package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.config.TemplateConfig;
import com.stateset.sandbox.server.errors.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured templates, by name. */
public final class Templates {

    private final Map<String, TemplateConfig> byName = new LinkedHashMap<>();
    private final String defaultName;

    public Templates(List<TemplateConfig> templates, String defaultName) {
        for (TemplateConfig t : templates) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("templates: " + t.name() + " is defined twice");
            }
        }
        if (!byName.containsKey(defaultName)) {
            throw new IllegalArgumentException("defaultTemplate: " + defaultName + " is not among templates " + byName.keySet());
        }
        this.defaultName = defaultName;
    }

    public Optional<TemplateConfig> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The named template, or the default for null; 400 listing the valid names otherwise. */
    public TemplateConfig resolve(String name) {
        TemplateConfig template = byName.get(name == null ? defaultName : name);
        if (template == null) {
            throw ApiException.validation("template", "unknown template '" + name + "'", byName.keySet());
        }
        return template;
    }

    public List<TemplateConfig> all() {
        return List.copyOf(byName.values());
    }
}
