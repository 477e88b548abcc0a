package com.stateset.sandbox.images;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.images.Catalog.CatalogException;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class CatalogTest {

    @Test
    void theBundledCatalogHasEveryTemplateWithARecipe() {
        Catalog catalog = Catalog.bundled();
        assertThat(catalog.names()).containsExactly("python-basic", "node-basic", "go-basic", "rust-basic",
                "python-data-science", "node-express-api", "claude-agent");
        Recipe claude = catalog.find("claude-agent").orElseThrow();
        assertThat(claude.packages()).containsExactly("nodejs", "npm", "python3", "git");
        assertThat(claude.npmPackages()).containsExactly("@anthropic-ai/claude-code");
        assertThat(claude.optionalCommands()).containsExactly("claude");
        assertThat(claude.nodeModules()).isTrue();
        assertThat(catalog.find("python-basic").orElseThrow().nodeModules()).isFalse();
        assertThat(catalog.find("cobol-basic")).isEmpty();
    }

    @Test
    void theServersFieldsAreNotTheBuildersBusiness() {
        Catalog catalog = parse("""
                templates:
                  - name: tiny
                    description: anything the server reads
                    cpus: "1"
                    build:
                      smokeTest: "true"
                """);
        Recipe tiny = catalog.find("tiny").orElseThrow();
        assertThat(tiny.packages()).isEmpty();
        assertThat(tiny.smokeTest()).isEqualTo("true");
    }

    @Test
    void everyValueThatEndsUpInAScriptIsCheckedAndTheFirstBadOneNamed() {
        assertThatThrownBy(() -> parse("templates:\n  - name: a\n    build: {packages: [\"python3'; rm -rf /\"], smokeTest: \"true\"}\n"))
                .isInstanceOf(CatalogException.class).hasMessageStartingWith("test.yaml: templates[0].build.packages[0]: ");
        assertThatThrownBy(() -> parse("templates:\n  - name: a\n    build: {npmPackages: [\"$(curl x)\"], smokeTest: \"true\"}\n"))
                .isInstanceOf(CatalogException.class).hasMessageStartingWith("test.yaml: templates[0].build.npmPackages[0]: ");
        assertThatThrownBy(() -> parse("templates:\n  - name: Bad_Name\n    build: {smokeTest: \"true\"}\n"))
                .isInstanceOf(CatalogException.class).hasMessageStartingWith("test.yaml: templates[0].name: ");
        assertThatThrownBy(() -> parse("templates:\n  - name: a\n    build: {packages: [git]}\n"))
                .isInstanceOf(CatalogException.class).hasMessage("test.yaml: templates[0].build.smokeTest: must be one line of shell");
        assertThatThrownBy(() -> parse("templates:\n  - name: a\n"))
                .isInstanceOf(CatalogException.class).hasMessage("test.yaml: templates[0].build: missing");
        assertThatThrownBy(() -> parse("templates:\n  - name: a\n    build: {smokeTest: \"true\"}\n  - name: a\n    build: {smokeTest: \"true\"}\n"))
                .isInstanceOf(CatalogException.class).hasMessage("test.yaml: templates[1].name: a is defined twice");
        assertThatThrownBy(() -> parse("templates:\n  - name: a\n    build: {pakages: [git], smokeTest: \"true\"}\n"))
                .as("a misspelt build key").isInstanceOf(CatalogException.class).hasMessageContaining("pakages");
        assertThatThrownBy(() -> parse("templates: []\n")).isInstanceOf(CatalogException.class).hasMessage("test.yaml: templates: none");
        assertThatThrownBy(() -> parse("templates: [")).isInstanceOf(CatalogException.class).hasMessageStartingWith("test.yaml: ");
    }

    private static Catalog parse(String yaml) {
        return Catalog.parse(new ByteArrayInputStream(yaml.getBytes(UTF_8)), "test.yaml");
    }
}
