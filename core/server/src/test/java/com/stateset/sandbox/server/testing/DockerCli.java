package com.stateset.sandbox.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker command line, for tests that act behind the server's back (remove a container,
 * plant an orphan) and check what the engine holds.
 */
public final class DockerCli {

    private DockerCli() {
    }

    public record Result(int exitCode, String output) {
        public List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    public static Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, output);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Names of every container, running or not, carrying the label. */
    public static List<String> containersLabelled(String label) {
        return run("ps", "-a", "--filter", "label=" + label, "--format", "{{.Names}}").lines();
    }
}
