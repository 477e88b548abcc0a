package com.stateset.sandbox.server;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code server [config.yml]}: Dropwizard's server command, except that a problem the operator can
 * fix ({@link StartupException}) is printed as its message alone, without a stack trace.
 */
final class SandboxServerCommand extends ServerCommand<SandboxConfiguration> {

    SandboxServerCommand(SandboxApplication application) {
        super(application);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupException startup) {
                cli.getStdErr().println("stateset-sandbox cannot start:\n" + startup.getMessage());
                return;
            }
        }
        super.onError(cli, namespace, e);
    }
}
