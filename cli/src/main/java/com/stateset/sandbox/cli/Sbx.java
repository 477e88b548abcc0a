package com.stateset.sandbox.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.stateset.sandbox.client.SandboxApiException;
import com.stateset.sandbox.client.SandboxClient;
import com.stateset.sandbox.client.SandboxConnectionException;
import com.stateset.sandbox.client.SandboxException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code sbx}, the StateSet Sandbox command line. Where the server is and the key come from
 * {@code --url} and {@code --api-key}, else {@code SANDBOX_URL} and {@code SANDBOX_API_KEY}, else
 * the profile {@code sbx login} saved.
 */
@Command(name = "sbx", mixinStandardHelpOptions = true, versionProvider = Sbx.Version.class, usageHelpAutoWidth = true,
        description = "StateSet Sandbox from the command line: sandboxes, commands, files, checkpoints, artifacts, webhooks.",
        footer = {"", "Environment: SANDBOX_URL, SANDBOX_API_KEY (else the profile saved by `sbx login`)."},
        subcommands = {
            AccountCommands.Login.class, AccountCommands.Whoami.class,
            SandboxCommands.Create.class, SandboxCommands.ListCommand.class, SandboxCommands.Get.class, SandboxCommands.Exec.class,
            SandboxCommands.Shell.class, CopyCommand.class, SandboxCommands.Stop.class, SandboxCommands.Remove.class,
            ResourceCommands.Checkpoint.class, ResourceCommands.Artifact.class, ResourceCommands.Webhook.class,
            ResourceCommands.Keys.class, ResourceCommands.Templates.class, ResourceCommands.EventsCommand.class,
            ResourceCommands.Usage.class, AutoComplete.GenerateCompletion.class,
        })
public final class Sbx {

    static final ObjectMapper JSON = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** How answers are printed. */
    enum Format { table, json }

    @Option(names = "--url", scope = ScopeType.INHERIT, description = "The server (default: SANDBOX_URL, else the profile's).")
    String url;

    @Option(names = "--api-key", scope = ScopeType.INHERIT, description = "The API key (default: SANDBOX_API_KEY, else the profile's).")
    String apiKey;

    @Option(names = "--profile", scope = ScopeType.INHERIT, defaultValue = "default", description = "The saved login to use (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Format output;

    @Spec
    CommandSpec spec;

    Map<String, String> env = System.getenv();
    Profiles profiles = Profiles.ofUser(System.getenv());

    public static void main(String[] args) {
        System.exit(run(new Sbx(), args));
    }

    /** Runs a command line; answers the exit code. */
    static int run(Sbx sbx, String... args) {
        CommandLine line = new CommandLine(sbx);
        line.setExecutionExceptionHandler((failure, commandLine, parsed) -> explain(failure, commandLine.getErr(), sbx));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        return line.execute(args);
    }

    /** The root of any subcommand. */
    static Sbx of(CommandSpec spec) {
        return (Sbx) spec.root().userObject();
    }

    /** A client for the chosen server and key; a clear error when there is no server. */
    SandboxClient client() {
        Profiles.Profile saved = profiles.get(profile);
        String server = first(url, env.get("SANDBOX_URL"), saved == null ? null : saved.url());
        if (server == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no server: pass --url, set SANDBOX_URL, or run `sbx login --url URL --api-key KEY` once");
        }
        String key = first(apiKey, env.get("SANDBOX_API_KEY"), saved == null ? null : saved.apiKey());
        SandboxClient.Builder builder = SandboxClient.builder().baseUrl(server);
        if (key != null) {
            builder.apiKey(key);
        }
        return builder.build();
    }

    /** The server the client talks to (for messages). */
    String server() {
        Profiles.Profile saved = profiles.get(profile);
        return first(url, env.get("SANDBOX_URL"), saved == null ? null : saved.url());
    }

    private static String first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where notes and warnings go (standard error). */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints an answer as JSON, or as the table or lines {@code text} makes of it. */
    <T> void print(T answer, Function<T, String> text) {
        try {
            out().println(output == Format.json ? JSON.writeValueAsString(answer) : text.apply(answer));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out().flush();
    }

    /** A table: a header row, then rows, columns padded to their widest cell. */
    static String table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (List<String> row : concat(header, rows)) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : concat(header, rows)) {
            for (int i = 0; i < row.size(); i++) {
                String cell = String.valueOf(row.get(i));
                text.append(i == row.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
            }
            text.append('\n');
        }
        return text.toString().stripTrailing();
    }

    private static List<List<String>> concat(List<String> header, List<List<String>> rows) {
        java.util.ArrayList<List<String>> all = new java.util.ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }

    /** What went wrong and what to do: the exit code is 1, the message on standard error. */
    private static int explain(Exception failure, PrintWriter err, Sbx sbx) {
        if (failure instanceof SandboxApiException api) {
            err.println("error: " + api.getMessage());
            String hint = hint(api, sbx);
            if (hint != null) {
                err.println("hint: " + hint);
            }
        } else if (failure instanceof SandboxConnectionException) {
            err.println("error: cannot reach the server at " + sbx.server() + ": " + failure.getMessage());
            err.println("hint: is it running? (`bin/sandbox server`); check --url or SANDBOX_URL");
        } else if (failure instanceof SandboxException || failure instanceof UncheckedIOException
                || failure instanceof IllegalArgumentException) {
            err.println("error: " + failure.getMessage());
        } else {
            err.println("error: " + failure);
        }
        err.flush();
        return 1;
    }

    private static String hint(SandboxApiException api, Sbx sbx) {
        return switch (api.code()) {
            case "UNAUTHORIZED" -> "the key is missing, wrong, expired or revoked: set SANDBOX_API_KEY or run `sbx login`";
            case "FORBIDDEN" -> "the key lacks the scope this needs (keys with the admin scope manage keys and webhooks)";
            case "SANDBOX_NOT_FOUND" -> "list your sandboxes with `sbx ls`";
            case "CHECKPOINT_NOT_FOUND" -> "list checkpoints with `sbx checkpoint ls`";
            case "QUOTA_EXCEEDED" -> "stop a sandbox you no longer need (`sbx ls`, `sbx stop ID`), or ask the operator for a larger plan";
            case "RATE_LIMITED" -> "too many calls at once: wait a moment";
            case "RUNTIME_MISCONFIGURED" -> "the installation cannot run this as configured; the operator must act (the message says what)";
            case "VALIDATION_ERROR" -> api.field().map(field -> "check " + field).orElse(null);
            case "CONFLICT" -> "see the sandbox's state with `sbx get ID`";
            default -> null;
        };
    }

    /** The version of the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Sbx.class.getPackage().getImplementationVersion();
            return new String[] {"sbx " + (version == null ? "(development)" : version)};
        }
    }
}
