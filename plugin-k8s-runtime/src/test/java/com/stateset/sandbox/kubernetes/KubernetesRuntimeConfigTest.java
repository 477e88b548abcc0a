package com.stateset.sandbox.kubernetes;

import static com.stateset.sandbox.testing.ConfigSections.invalidSettings;
import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.testing.ConfigSections;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code runtime.config} section bound as the server binds it: strictly, then validated. */
class KubernetesRuntimeConfigTest {

    @Test
    void theProductionConfigsSectionBindsWithItsDefaults() throws Exception {
        // Every ${VAR:-default} as an unset environment leaves it.
        String production = Files.readString(Path.of(System.getProperty("sandbox.root", "..")).resolve("config/production.yml"))
                .replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1");
        KubernetesRuntimeConfig config = ConfigSections.bind(production, "/runtime/config", KubernetesRuntimeConfig.class);
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
        assertThat(invalidSettings(bind("tolerations: [{key: sandbox, value: 'not a value'}]"))).singleElement().asString()
                .startsWith("tolerations");
        assertThat(invalidSettings(bind("""
                nodeSelector: {stateset.io/sandbox-node: "true"}
                tolerations: [{key: sandbox, operator: Exists, effect: NoSchedule}]
                """))).isEmpty();
    }

    @Test
    void isolationsAreThoseAllowedThatTheClusterCanGiveTheDefaultFirst() throws Exception {
        assertThat(bind("{}").isolations()).as("no gVisor RuntimeClass").containsExactly("container");
        assertThat(bind("gvisorRuntimeClassName: gvisor").isolations()).containsExactly("container", "gvisor");
        assertThat(bind("{gvisorRuntimeClassName: gvisor, defaultIsolation: gvisor}").isolations())
                .containsExactly("gvisor", "container");
        assertThat(bind("{gvisorRuntimeClassName: gvisor, defaultIsolation: gvisor, isolations: [gvisor]}").isolations())
                .as("every sandbox under gVisor").containsExactly("gvisor");
        assertThat(invalidSettings(bind("defaultIsolation: gvisor"))).containsExactly("defaultIsolationOffered");
        assertThat(invalidSettings(bind("{gvisorRuntimeClassName: gvisor, isolations: [gvisor]}")))
                .as("the default, container, is not allowed").containsExactly("defaultIsolationOffered");
        assertThat(invalidSettings(bind("isolations: [container, microvm]"))).singleElement().asString().startsWith("isolations");
    }

    private static KubernetesRuntimeConfig bind(String yaml) throws Exception {
        return ConfigSections.bind(yaml, KubernetesRuntimeConfig.class);
    }
}
