package com.stateset.sandbox.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command of {@code sbx}: it runs with the root command's options (server, key, output). */
abstract class SbxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Does the command; answers its exit code. */
    abstract int run(Sbx sbx) throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run(Sbx.of(spec));
    }
}
