package com.stateset.sandbox.server;

import com.stateset.sandbox.server.config.StartupException;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code server [config.yml]}: Dropwizard's server command, except that a problem the operator can
 * fix (a {@link StartupException}, or an invalid configuration file) is printed as its message
 * alone, without a stack trace.
 */
final class SandboxServerCommand extends ServerCommand<SandboxConfiguration> {

    SandboxServerCommand(SandboxApplication application) {
        super(application);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupException || t instanceof ConfigurationException) {
                cli.getStdErr().println("stateset-sandbox cannot start:\n" + t.getMessage());
                return;
            }
        }
        super.onError(cli, namespace, e);
    }
}
