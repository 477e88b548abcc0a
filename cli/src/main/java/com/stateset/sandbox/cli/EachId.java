package com.stateset.sandbox.cli;

import com.stateset.sandbox.client.SandboxClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command that does one thing to each id it is given (stop, delete, revoke), printing each id done. */
abstract class EachId implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "ID")
    List<String> ids;

    abstract void apply(SandboxClient client, String id);

    @Override
    public final Integer call() {
        Sbx sbx = Sbx.of(spec);
        SandboxClient client = sbx.client();
        for (String id : ids) {
            apply(client, id);
            sbx.out().println(id);
        }
        return 0;
    }
}
