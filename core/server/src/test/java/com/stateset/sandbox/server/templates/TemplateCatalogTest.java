package com.stateset.sandbox.server.templates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.config.CatalogConfig;
import com.stateset.sandbox.server.config.TemplateConfig;
import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateCatalogTest {

    private static final Validator VALIDATOR = Validators.newValidator();

    @Test
    void theBundledCatalogHoldsValidTemplatesWithTheirImagesUnderThePrefix() {
        List<TemplateConfig> templates = TemplateCatalog.bundled("registry.example.com/stateset-sandbox");
        assertThat(templates).extracting(TemplateConfig::name).containsExactly("python-basic", "node-basic", "go-basic",
                "rust-basic", "python-data-science", "node-express-api", "claude-agent");
        for (TemplateConfig t : templates) {
            assertThat(VALIDATOR.validate(t)).as(t.name()).isEmpty();
            assertThat(t.image()).isEqualTo("registry.example.com/stateset-sandbox/" + t.name() + ":latest");
            assertThat(t.description()).as(t.name()).isNotBlank();
            assertThat(t.category()).as(t.name()).isNotEqualTo("general");
            assertThat(t.preinstalled()).as(t.name()).isNotEmpty();
        }
        TemplateConfig python = templates.get(0);
        assertThat(List.of(python.cpus(), python.memory(), python.network(), python.category()))
                .containsExactly("1", "512Mi", false, "language");
    }

    @Test
    void configuredTemplatesAddToTheCatalogOrTakeThePlaceOfTheirName() throws Exception {
        TemplateConfig small = template("python-basic", "256Mi");
        TemplateConfig own = template("cobol-basic", "128Mi");
        List<TemplateConfig> all = TemplateCatalog.effective(catalog(true), List.of(own, small));
        assertThat(all).hasSize(8);
        assertThat(all.get(0)).isSameAs(small);
        assertThat(all.get(7)).isSameAs(own);
        assertThat(all).extracting(TemplateConfig::name).doesNotHaveDuplicates();

        assertThat(TemplateCatalog.effective(catalog(false), List.of(own))).containsExactly(own);
        assertThat(TemplateCatalog.effective(catalog(false), List.of())).isEmpty();
    }

    private static CatalogConfig catalog(boolean enabled) throws Exception {
        return new ObjectMapper().convertValue(Map.of("enabled", enabled), CatalogConfig.class);
    }

    private static TemplateConfig template(String name, String memory) {
        return new TemplateConfig(name, "", "example/" + name + ":1", List.of(), "1", memory, false);
    }
}
