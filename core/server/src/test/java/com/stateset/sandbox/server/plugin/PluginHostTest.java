package com.stateset.sandbox.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.config.ExtensionConfig;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.testing.TestPaths;
import com.stateset.sandbox.spi.SpiVersion;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the real Docker runtime plugin, as built by its module, through PF4J. */
class PluginHostTest {

    private static final ObjectMapper MAPPER = Jackson.newObjectMapper();
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();
    private final ExtensionConfigBinder binder = new ExtensionConfigBinder(MAPPER, Validators.newValidator());

    @AfterAll
    static void stopScheduler() {
        SCHEDULER.shutdownNow();
    }

    @SuppressWarnings("unchecked")
    private static Class<SandboxRuntimeFactory<?>> factoryType() {
        return (Class<SandboxRuntimeFactory<?>>) (Class<?>) SandboxRuntimeFactory.class;
    }

    private SandboxRuntime create(PluginHost host, String json, Path data) throws Exception {
        return host.create("runtime", MAPPER.readValue(json, ExtensionConfig.class), factoryType(), SandboxRuntime.class,
                name -> new ServerPluginContext("inst_test", data, Clock.systemUTC(), SCHEDULER));
    }

    @Test
    void loadsThePluginInItsOwnClassLoaderSharingOnlyTheApi(@TempDir Path data) throws Exception {
        try (PluginHost host = PluginHost.start(TestPaths.pluginsDirectory(), binder)) {
            SandboxRuntime runtime = create(host, "{\"type\": \"docker\", \"config\": {\"pidsLimit\": 128}}", data);
            assertThat(runtime.writableDirectories()).contains("/workspace", "/tmp", "/home/sandbox");

            ClassLoader pluginLoader = host.factories(factoryType()).get("docker").getClass().getClassLoader();
            assertThat(pluginLoader).isInstanceOf(SharedApiClassLoader.class);
            assertThat(pluginLoader.loadClass(SandboxRuntime.class.getName())).isSameAs(SandboxRuntime.class);
            assertThat(pluginLoader.loadClass(org.slf4j.Logger.class.getName())).isSameAs(org.slf4j.Logger.class);
            assertThat(pluginLoader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
                    .as("the plugin keeps its own Jackson").isNotSameAs(ObjectMapper.class);
            runtime.close();
        }
    }

    @Test
    void unknownTypeListsTheInstalledTypes(@TempDir Path data) {
        try (PluginHost host = PluginHost.start(TestPaths.pluginsDirectory(), binder)) {
            assertThatThrownBy(() -> create(host, "{\"type\": \"kubernetes\"}", data))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("runtime.type: unknown type 'kubernetes'; installed types are [docker]");
        }
    }

    @Test
    void pluginConfigErrorsNameTheYamlPath(@TempDir Path data) {
        try (PluginHost host = PluginHost.start(TestPaths.pluginsDirectory(), binder)) {
            assertThatThrownBy(() -> create(host, "{\"type\": \"docker\", \"config\": {\"pidsLimt\": 5}}", data))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("runtime.config.pidsLimt: unknown setting; known settings are [")
                    .hasMessageContaining("pidsLimit");
            assertThatThrownBy(() -> create(host, "{\"type\": \"docker\", \"config\": {\"pidsLimit\": 5, \"workspaceSize\": \"lots\"}}", data))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("runtime.config.pidsLimit: must be greater than or equal to 16")
                    .hasMessageContaining("runtime.config.workspaceSize: must be a size such as 1Gi");
        }
    }

    @Test
    void aBrokenPluginStopsTheStartWithOneLineSayingWhy(@TempDir Path plugins) throws Exception {
        Files.writeString(plugins.resolve("broken-plugin.jar"), "this is not a jar");
        Path noDescriptor = Files.createDirectories(plugins.resolve("half-plugin").resolve("lib"));
        Files.writeString(noDescriptor.resolve("readme.txt"), "no plugin.properties here");
        assertThatThrownBy(() -> PluginHost.start(plugins, binder))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot load plugins from " + plugins.toAbsolutePath())
                .hasMessageContaining("broken-plugin.jar: not a valid jar or zip")
                .hasMessageContaining("half-plugin: no plugin.properties in this directory");
    }

    @Test
    void aMissingPluginsDirectoryIsAClearError(@TempDir Path parent) {
        assertThatThrownBy(() -> PluginHost.start(parent.resolve("nope"), binder))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("pluginsDirectory: ");
    }

    @Test
    void aPluginBuiltForAnotherSpiStopsTheStartSayingWhich(@TempDir Path plugins) throws Exception {
        descriptorOnlyPlugin(plugins.resolve("from-the-future.jar"), "future", "^99.0.0");
        descriptorOnlyPlugin(plugins.resolve("vague.jar"), "vague", "soon");
        assertThatThrownBy(() -> PluginHost.start(plugins, binder))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("from-the-future.jar: requires SPI ^99.0.0; this server's SPI is " + SpiVersion.current())
                .hasMessageContaining("vague.jar: plugin.requires: 'soon' is not a version range such as ^" + SpiVersion.current());
    }

    @Test
    void pluginsThatThisSpiSatisfiesLoad(@TempDir Path plugins) throws Exception {
        String major = SpiVersion.current().substring(0, SpiVersion.current().indexOf('.'));
        descriptorOnlyPlugin(plugins.resolve("caret.jar"), "caret", "^" + SpiVersion.current());
        descriptorOnlyPlugin(plugins.resolve("range.jar"), "range", ">=" + major + ".0.0 & <" + (Integer.parseInt(major) + 1) + ".0.0");
        descriptorOnlyPlugin(plugins.resolve("unversioned.jar"), "unversioned", null);
        try (PluginHost host = PluginHost.start(plugins, binder)) {
            assertThat(host.types(factoryType())).isEmpty();
        }
    }

    /** A jar plugin with a descriptor and no extensions. */
    private static void descriptorOnlyPlugin(Path jar, String id, String requires) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("plugin.properties"));
            String descriptor = "plugin.id=" + id + "\nplugin.version=1.0.0\n" + (requires == null ? "" : "plugin.requires=" + requires + "\n");
            out.write(descriptor.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
