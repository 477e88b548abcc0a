package com.stateset.sandbox.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the host's own tools (debootstrap, chroot, mount, tar), their output to a build's log. */
final class Commands {

    private Commands() {
    }

    static void run(BuildLog log, List<String> argv) {
        run(log, null, argv);
    }

    /** Runs {@code argv} with exactly {@code env} (or the builder's own environment if null); fails unless it exits 0. */
    static void run(BuildLog log, Map<String, String> env, List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        if (env != null) {
            builder.environment().clear();
            builder.environment().putAll(env);
        }
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            log.copy(process.getInputStream());
            int exit = process.waitFor();
            if (exit != 0) {
                // The program and what it was given last (a chroot's script, debootstrap's target), not every argument.
                String what = argv.size() > 1 ? argv.get(0) + " ... " + argv.getLast() : argv.get(0);
                throw new BuildException(what + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new BuildException("cannot run " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted");
        }
    }

    /** Whether {@code command} is on the PATH. */
    static boolean exists(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
