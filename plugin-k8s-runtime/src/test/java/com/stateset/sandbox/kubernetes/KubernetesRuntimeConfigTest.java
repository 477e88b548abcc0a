package com.stateset.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.validation.BaseValidator;
import jakarta.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The {@code runtime.config} section bound as the server binds it: strictly, then validated. */
class KubernetesRuntimeConfigTest {

    private static final ObjectMapper YAML = Jackson.newObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Validator VALIDATOR = BaseValidator.newValidator();

    @Test
    void theProductionConfigsSectionBindsWithItsDefaults() throws Exception {
        // Every ${VAR:-default} as an unset environment leaves it.
        String production = Files.readString(Path.of(System.getProperty("sandbox.root", "..")).resolve("config/production.yml"))
                .replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1");
        JsonNode section = YAML.readTree(production).at("/runtime/config");
        KubernetesRuntimeConfig config = YAML.treeToValue(section, KubernetesRuntimeConfig.class);
        assertThat(invalidSettings(config)).isEmpty();
        assertThat(config.masterUrl()).isNull();
        assertThat(config.kubeconfig()).isNull();
        assertThat(config.runtimeClassName()).isNull();
        assertThat(config.namespace()).isEqualTo("stateset-sandboxes");
        assertThat(config.deniedEgressCidrs()).contains("169.254.0.0/16");
    }

    @Test
    void badValuesAreNamed() throws Exception {
        assertThat(invalidSettings(bind("namespace: Not_A_Namespace"))).containsExactly("namespace");
        assertThat(invalidSettings(bind("masterUrl: ftp://cluster"))).containsExactly("masterUrl");
        assertThat(invalidSettings(bind("runtimeClassName: 'g visor'"))).containsExactly("runtimeClassName");
        assertThat(invalidSettings(bind("uid: 0"))).containsExactly("uid");
        assertThat(invalidSettings(bind("workspaceSize: lots"))).containsExactly("workspaceSize");
        assertThat(invalidSettings(bind("imagePullPolicy: Sometimes"))).containsExactly("imagePullPolicy");
        assertThat(invalidSettings(bind("deniedEgressCidrs: [10.0.0.0]"))).singleElement().asString().startsWith("deniedEgressCidrs");
        assertThat(invalidSettings(bind("nodeSelector: {'bad key!': 'true'}"))).singleElement().asString().startsWith("nodeSelector");
        assertThat(invalidSettings(bind("nodeSelector: {pool: 'not a value'}"))).singleElement().asString().startsWith("nodeSelector");
        assertThat(invalidSettings(bind("tolerations: [{key: sandbox, operator: Maybe}]"))).singleElement().asString()
                .startsWith("tolerations");
        assertThat(invalidSettings(bind("""
                nodeSelector: {stateset.io/sandbox-node: "true"}
                tolerations: [{key: sandbox, operator: Exists, effect: NoSchedule}]
                """))).isEmpty();
    }

    private static KubernetesRuntimeConfig bind(String yaml) throws Exception {
        return YAML.readValue(yaml, KubernetesRuntimeConfig.class);
    }

    private static Set<String> invalidSettings(KubernetesRuntimeConfig config) {
        return VALIDATOR.validate(config).stream().map(v -> v.getPropertyPath().toString()).collect(Collectors.toSet());
    }
}
