package com.stateset.sandbox.kubernetes;

import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeFactory;
import org.pf4j.Extension;

/** {@code runtime.type: kubernetes}: sandboxes as hardened pods in a dedicated namespace. */
@Extension
public class KubernetesRuntimeFactory implements SandboxRuntimeFactory<KubernetesRuntimeConfig> {

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public Class<KubernetesRuntimeConfig> configClass() {
        return KubernetesRuntimeConfig.class;
    }

    @Override
    public SandboxRuntime create(KubernetesRuntimeConfig config, PluginContext context) {
        return new KubernetesRuntime(config, KubernetesClients.connect(config));
    }
}
