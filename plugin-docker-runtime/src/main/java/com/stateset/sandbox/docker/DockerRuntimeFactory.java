package com.stateset.sandbox.docker;

import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeFactory;
import org.pf4j.Extension;

/** {@code runtime.type: docker}: sandboxes as hardened containers on a Docker engine. */
@Extension
public class DockerRuntimeFactory implements SandboxRuntimeFactory<DockerRuntimeConfig> {

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public Class<DockerRuntimeConfig> configClass() {
        return DockerRuntimeConfig.class;
    }

    @Override
    public SandboxRuntime create(DockerRuntimeConfig config, PluginContext context) {
        return new DockerRuntime(config, DockerClients.connect(config), DockerClients.connectForAgents(config));
    }
}
