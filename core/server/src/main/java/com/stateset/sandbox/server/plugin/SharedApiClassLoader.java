package com.stateset.sandbox.server.plugin;

import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's own class loader: the SPI, slf4j and the shared annotations always come from the
 * server (so a plugin's types and the server's are the same classes, whatever the plugin bundles);
 * everything else comes from the plugin first, so each plugin keeps its own Jackson, OkHttp, Netty.
 */
final class SharedApiClassLoader extends PluginClassLoader {

    static final List<String> SHARED_PACKAGES = List.of(
            "com.stateset.sandbox.spi.",
            "org.slf4j.",
            "com.fasterxml.jackson.annotation.",
            "jakarta.validation.");

    SharedApiClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (isShared(className)) {
            return getParent().loadClass(className);
        }
        return super.loadClass(className);
    }

    static boolean isShared(String className) {
        for (String prefix : SHARED_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
