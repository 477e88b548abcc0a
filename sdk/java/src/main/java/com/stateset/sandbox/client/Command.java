package com.stateset.sandbox.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A command to run: {@code Command.shell("make test").env("CI", "1").timeout(Duration.ofMinutes(5))}. */
public final class Command {

    final JsonNode command;
    final Map<String, String> env = new LinkedHashMap<>();
    String workingDir;
    Duration timeout;

    private Command(JsonNode command) {
        this.command = command;
    }

    /** A shell string, run by {@code /bin/sh -c}. */
    public static Command shell(String script) {
        return new Command(JsonNodeFactory.instance.textNode(script));
    }

    /** An argv list, run as it is. */
    public static Command argv(String... argv) {
        return argv(List.of(argv));
    }

    public static Command argv(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("an argv list needs its program");
        }
        var array = JsonNodeFactory.instance.arrayNode();
        argv.forEach(array::add);
        return new Command(array);
    }

    /** A variable for this command only. */
    public Command env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Where it runs (absolute; default /workspace). */
    public Command workingDir(String directory) {
        this.workingDir = directory;
        return this;
    }

    /** Past it the command and all it started are killed (exit code 124); default the server's (60 s). */
    public Command timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }
}
