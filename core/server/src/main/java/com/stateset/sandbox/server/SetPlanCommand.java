package com.stateset.sandbox.server;

import com.codahale.metrics.MetricRegistry;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.db.Database;
import com.stateset.sandbox.server.db.OrganizationDao;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import java.nio.file.Path;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code set-plan --org <id> --plan <name> [config.yml]}: moves an organization to another plan. An
 * operator's tool, run beside the server on the same configuration; organizations cannot change
 * their own plan over the API.
 */
final class SetPlanCommand extends ConfiguredCommand<SandboxConfiguration> {

    SetPlanCommand() {
        super("set-plan", "Moves an organization to another configured plan");
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("--org").dest("org").required(true).help("the organization's id (org_...)");
        subparser.addArgument("--plan").dest("plan").required(true).help("a plan named under plans: in the configuration");
    }

    @Override
    protected void run(Bootstrap<SandboxConfiguration> bootstrap, Namespace namespace, SandboxConfiguration config)
            throws Exception {
        String org = namespace.getString("org");
        String plan = namespace.getString("plan");
        if (!config.plans().containsKey(plan)) {
            throw new StartupException("--plan: '" + plan + "' is not one of the configured plans " + config.plans().keySet());
        }
        ManagedDataSource dataSource = config.database().dataSourceFactory(Path.of(config.dataDirectory()))
                .build(new MetricRegistry(), "set-plan");
        dataSource.start();
        try {
            int changed = Database.open(dataSource).withExtension(OrganizationDao.class, dao -> dao.setPlan(org, plan));
            if (changed == 0) {
                throw new StartupException("--org: no organization " + org);
            }
        } finally {
            dataSource.stop();
        }
        // The command's answer to the operator, on its standard output: the console log is
        // asynchronous, and a line logged just before the JVM exits was seen lost.
        System.out.println("organization " + org + " is now on the " + plan + " plan");
        System.out.flush();
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof StartupException) {
            cli.getStdErr().println("set-plan: " + e.getMessage());
            return;
        }
        super.onError(cli, namespace, e);
    }
}
