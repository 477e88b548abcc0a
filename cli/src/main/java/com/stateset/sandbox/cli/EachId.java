package com.stateset.sandbox.cli;

import com.stateset.sandbox.client.SandboxClient;
import java.util.List;
import picocli.CommandLine.Parameters;

/** A command that does one thing to each id it is given (stop, delete, revoke), printing each id done. */
abstract class EachId extends SbxCommand {

    @Parameters(arity = "1..*", paramLabel = "ID")
    List<String> ids;

    abstract void apply(SandboxClient client, String id);

    @Override
    int run(Sbx sbx) {
        SandboxClient client = sbx.client();
        for (String id : ids) {
            apply(client, id);
            sbx.out().println(id);
        }
        return 0;
    }
}
