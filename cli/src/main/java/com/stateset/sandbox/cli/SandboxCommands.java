package com.stateset.sandbox.cli;

import com.stateset.sandbox.api.ExecuteResponse;
import com.stateset.sandbox.api.ProcessRequests;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.client.Command;
import com.stateset.sandbox.client.CreateSandbox;
import com.stateset.sandbox.client.Processes;
import com.stateset.sandbox.client.SandboxApiException;
import com.stateset.sandbox.client.SandboxClient;
import com.stateset.sandbox.client.Sandboxes;
import com.stateset.sandbox.client.Terminals;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sandboxes: create, list, describe, run commands and a shell in, stop, delete. */
final class SandboxCommands {

    private static final List<String> COLUMNS = List.of("ID", "STATUS", "TEMPLATE", "ISOLATION", "CPUS", "MEMORY", "EXPIRES");

    private SandboxCommands() {
    }

    static List<String> row(SandboxView sandbox) {
        return List.of(sandbox.id(), sandbox.status(), sandbox.template(), String.valueOf(sandbox.isolation()), sandbox.cpus(),
                sandbox.memory(), sandbox.expiresAt());
    }

    @CommandLine.Command(name = "create", description = "Create a sandbox and print its id once it runs.")
    static final class Create extends SbxCommand {

        @Option(names = {"-t", "--template"}, description = "The template (default: the server's).")
        String template;

        @Option(names = "--cpus", description = "CPUs, such as 1 or 500m.")
        String cpus;

        @Option(names = "--memory", description = "Memory, such as 512Mi or 1Gi.")
        String memory;

        @Option(names = "--timeout", description = "Lifetime in seconds; it stops by itself after it.")
        Long timeoutSeconds;

        @Option(names = {"-e", "--env"}, description = "NAME=VALUE, for every command (repeatable).")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(names = "--isolation", description = "container or gvisor, where offered.")
        String isolation;

        @Option(names = "--checkpoint", description = "Start from this checkpoint.")
        String checkpoint;

        @Override
        int run(Sbx sbx) {
            CreateSandbox request = template == null ? CreateSandbox.defaults() : CreateSandbox.template(template);
            request.cpus(cpus).memory(memory).env(env).isolation(isolation).fromCheckpoint(checkpoint);
            if (timeoutSeconds != null) {
                request.timeout(Duration.ofSeconds(timeoutSeconds));
            }
            SandboxView sandbox = sbx.client().sandboxes().create(request);
            sbx.print(sandbox, SandboxView::id);
            return 0;
        }
    }

    @CommandLine.Command(name = "ls", description = "List your sandboxes, newest first.")
    static final class ListCommand extends SbxCommand {

        @Option(names = {"-a", "--all"}, description = "Also those that have ended (default: running only).")
        boolean all;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(Sbx sbx) {
            SandboxView.Listing listing = sbx.client().sandboxes().list(all ? null : "running", limit, 0);
            sbx.print(listing, l -> Sbx.table(COLUMNS, l.sandboxes().stream().map(SandboxCommands::row).toList()));
            return 0;
        }
    }

    @CommandLine.Command(name = "get", description = "Describe a sandbox.")
    static final class Get extends SbxCommand {

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Sbx sbx) {
            SandboxView sandbox = sbx.client().sandboxes().get(id);
            sbx.print(sandbox, s -> Sbx.table(COLUMNS, List.of(row(s))));
            return 0;
        }
    }

    @CommandLine.Command(name = "exec", description = {"Run a command in a sandbox, streaming its output; exits with its exit code.",
        "One argument runs through /bin/sh -c; several (after --) as argv."})
    static final class Exec extends SbxCommand {

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
        List<String> command;

        @Option(names = {"-i", "--interactive"}, description = "Forward standard input to the command.")
        boolean interactive;

        @Option(names = {"-e", "--env"}, description = "NAME=VALUE for this command (repeatable).")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(names = {"-w", "--workdir"}, description = "Where it runs (default /workspace).")
        String workdir;

        @Option(names = "--timeout", description = "Seconds; past it the command is killed (exit code 124).")
        Long timeoutSeconds;

        @Override
        int run(Sbx sbx) throws Exception {
            Command run = command.size() == 1 ? Command.shell(command.get(0)) : Command.argv(command);
            env.forEach(run::env);
            run.workingDir(workdir);
            if (timeoutSeconds != null) {
                run.timeout(Duration.ofSeconds(timeoutSeconds));
            }
            SandboxClient client = sbx.client();
            if (sbx.output == Sbx.Format.json) {
                ExecuteResponse result = client.sandboxes().execute(id, run);
                sbx.print(result, r -> r.stdout());
                return result.exitCode();
            }
            return interactive ? withInput(client, run) : streamed(client, run, sbx);
        }

        /** The command's own output goes to this process's standard output and error as it comes, byte for byte. */
        private int streamed(SandboxClient client, Command run, Sbx sbx) {
            int exit = 1;
            try (Stream<Sandboxes.ExecEvent> events = client.sandboxes().executeStream(id, run)) {
                for (Sandboxes.ExecEvent event : (Iterable<Sandboxes.ExecEvent>) events::iterator) {
                    switch (event.type()) {
                        case "stdout" -> write(System.out, event.data());
                        case "stderr" -> write(System.err, event.data());
                        case "exit" -> exit = event.exitCode();
                        case "error" -> {
                            sbx.err().println("error: " + event.errorCode() + ": " + event.error());
                            sbx.err().flush();
                            exit = 1;
                        }
                        default -> { }
                    }
                }
            }
            return exit;
        }

        /**
         * As a background process, which takes input: standard input is sent as it is read, then its
         * end; the command's output goes to this process's standard output and error, byte for byte.
         */
        private int withInput(SandboxClient client, Command run) throws Exception {
            Processes processes = client.processes();
            ProcessRequests.View process = processes.start(id, run, false);
            Thread pump = Thread.ofVirtual().start(() -> {
                try (InputStream in = System.in) {
                    byte[] buffer = new byte[32 * 1024];
                    for (int read; (read = in.read(buffer)) >= 0; ) {
                        processes.input(id, process.id(), new String(buffer, 0, read, StandardCharsets.UTF_8), false);
                    }
                    processes.input(id, process.id(), "", true);
                } catch (IOException | SandboxApiException ended) {
                    // the process exited before reading all of it
                }
            });
            Integer exit = null;
            try (Stream<Processes.ProcessOutput> output = processes.output(id, process.id(), 0)) {
                for (Processes.ProcessOutput event : (Iterable<Processes.ProcessOutput>) output::iterator) {
                    if (event.bytes() != null) {
                        PrintStream stream = event.type().equals("stderr") ? System.err : System.out;
                        stream.write(event.bytes(), 0, event.bytes().length);
                        stream.flush();
                    } else if (event.type().equals("exit")) {
                        exit = event.exitCode();
                    }
                }
            }
            System.out.flush();
            pump.join(TimeUnit.SECONDS.toMillis(1));
            processes.remove(id, process.id());
            return exit == null ? 1 : exit;
        }

        private static void write(PrintStream stream, String text) {
            stream.print(text);
            stream.flush();
        }
    }

    @CommandLine.Command(name = "shell", description = "An interactive terminal in a sandbox (the user's login shell unless a command is given).")
    static final class Shell extends SbxCommand {

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1..*", paramLabel = "COMMAND", description = "What the terminal runs (default: a login shell).")
        List<String> command;

        @Override
        int run(Sbx sbx) throws Exception {
            boolean tty = System.console() != null;
            int[] size = tty ? LocalTerminal.size() : new int[] {80, 24};
            Command run = command == null || command.isEmpty() ? null
                    : command.size() == 1 ? Command.shell(command.get(0)) : Command.argv(command);
            LocalTerminal local = tty ? LocalTerminal.raw() : null;
            // The terminal's bytes go to this process's standard output as they are (escape sequences included).
            try (Terminals.Terminal terminal = sbx.client().terminals().open(id, run, size[0], size[1], bytes -> {
                System.out.write(bytes, 0, bytes.length);
                System.out.flush();
            })) {
                Thread.ofVirtual().start(() -> {
                    byte[] buffer = new byte[4096];
                    try {
                        for (int read; (read = System.in.read(buffer)) >= 0; ) {
                            terminal.write(Arrays.copyOf(buffer, read));
                        }
                    } catch (IOException | RuntimeException ended) {
                        // the terminal is gone
                    }
                });
                return terminal.exit().get();
            } finally {
                if (local != null) {
                    try {
                        local.restore();
                    } catch (IOException e) {
                        sbx.err().println("warning: could not restore your terminal (run `stty sane`): " + e.getMessage());
                        sbx.err().flush();
                    }
                }
            }
        }
    }

    @CommandLine.Command(name = "stop", description = "Stop sandboxes; they stay listed (sbx ls -a).")
    static final class Stop extends EachId {
        @Override
        void apply(SandboxClient client, String id) {
            client.sandboxes().stop(id);
        }
    }

    @CommandLine.Command(name = "rm", description = "Stop sandboxes if needed and delete them.")
    static final class Remove extends EachId {
        @Override
        void apply(SandboxClient client, String id) {
            client.sandboxes().delete(id);
        }
    }
}
