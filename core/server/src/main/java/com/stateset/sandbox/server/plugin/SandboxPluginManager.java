package com.stateset.sandbox.server.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.BasePluginLoader;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginClasspath;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;

/** PF4J, with every plugin (a directory or zip with {@code lib/}, or a single jar) in a {@link SharedApiClassLoader}. */
final class SandboxPluginManager extends DefaultPluginManager {

    SandboxPluginManager(Path pluginsRoot) {
        super(pluginsRoot);
    }

    /** What the repository offers, before loading: directories, zips and jars under the root. */
    List<Path> pluginPaths() {
        return pluginRepository.getPluginPaths();
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new BasePluginLoader(this, new DefaultPluginClasspath()) {
                    // Directories only: PF4J's base loader takes any existing path, and would give a
                    // single-jar plugin an empty class loader (its classes never seen).
                    @Override
                    public boolean isApplicable(Path pluginPath) {
                        return Files.isDirectory(pluginPath);
                    }

                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                        return new SharedApiClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                    }
                })
                .add(new JarPluginLoader(this) {
                    @Override
                    public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
                        PluginClassLoader loader = new SharedApiClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                        loader.addFile(pluginPath.toFile());
                        return loader;
                    }
                });
    }
}
