package com.stateset.sandbox.cli;

import com.stateset.sandbox.api.ApiKeyView;
import com.stateset.sandbox.api.ArtifactView;
import com.stateset.sandbox.api.CheckpointView;
import com.stateset.sandbox.api.TemplateView;
import com.stateset.sandbox.api.UsageView;
import com.stateset.sandbox.api.WebhookView;
import com.stateset.sandbox.client.Events;
import com.stateset.sandbox.client.SandboxClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Checkpoints, artifacts, webhooks, keys, templates, events and usage. */
final class ResourceCommands {

    private ResourceCommands() {
    }

    @Command(name = "checkpoint", description = "Save, list, restore, clone, compare and delete checkpoints.",
            subcommands = {Checkpoint.Create.class, Checkpoint.Ls.class, Checkpoint.Restore.class, Checkpoint.Clone.class,
                Checkpoint.Diff.class, Checkpoint.Rm.class})
    static final class Checkpoint {
        private static final List<String> COLUMNS = List.of("ID", "NAME", "SANDBOX", "FILES", "BYTES", "CREATED");

        static List<String> row(CheckpointView c) {
            return List.of(c.id(), c.name(), c.sandboxId(), String.valueOf(c.fileCount()), String.valueOf(c.size()), c.createdAt());
        }

        @Command(name = "create", description = "Save a sandbox's workspace (and with --env its environment).")
        static final class Create extends SbxCommand {
            @Parameters(paramLabel = "SANDBOX")
            String sandbox;
            @Option(names = {"-n", "--name"}, required = true)
            String name;
            @Option(names = "--description")
            String description;
            @Option(names = "--env", description = "Save the environment variables too.")
            boolean env;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().checkpoints().create(sandbox, name, description, env), CheckpointView::id);
                return 0;
            }
        }

        @Command(name = "ls", description = "List checkpoints, newest first.")
        static final class Ls extends SbxCommand {
            @Option(names = "--sandbox", description = "Only this sandbox's.")
            String sandbox;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().checkpoints().list(sandbox), list -> Sbx.table(COLUMNS, list.stream().map(Checkpoint::row).toList()));
                return 0;
            }
        }

        @Command(name = "restore", description = "Write a checkpoint into a running sandbox (files created since are kept).")
        static final class Restore extends SbxCommand {
            @Parameters(index = "0", paramLabel = "SANDBOX")
            String sandbox;
            @Parameters(index = "1", paramLabel = "CHECKPOINT")
            String checkpoint;
            @Option(names = "--env", description = "Also the saved environment variables.")
            boolean env;
            @Option(names = "--keep", description = "Keep files (and variables) that exist instead of overwriting them.")
            boolean keep;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().checkpoints().restore(sandbox, checkpoint, true, env, !keep),
                        r -> "restored " + checkpoint + " into " + sandbox + (r.envRestored() ? " with its environment" : ""));
                return 0;
            }
        }

        @Command(name = "clone", description = "Copy a checkpoint under a new name.")
        static final class Clone extends SbxCommand {
            @Parameters(index = "0", paramLabel = "CHECKPOINT")
            String checkpoint;
            @Parameters(index = "1", paramLabel = "NAME")
            String name;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().checkpoints().clone(checkpoint, name), CheckpointView::id);
                return 0;
            }
        }

        @Command(name = "diff", description = "What changed from the first checkpoint to the second.")
        static final class Diff extends SbxCommand {
            @Parameters(index = "0", paramLabel = "FIRST")
            String first;
            @Parameters(index = "1", paramLabel = "SECOND")
            String second;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().checkpoints().compare(first, second), d -> {
                    List<String> lines = new ArrayList<>();
                    d.added().forEach(path -> lines.add("+ " + path));
                    d.removed().forEach(path -> lines.add("- " + path));
                    d.modified().forEach(path -> lines.add("M " + path));
                    lines.add(d.unchangedCount() + " unchanged");
                    return String.join("\n", lines);
                });
                return 0;
            }
        }

        @Command(name = "rm", description = "Delete checkpoints.")
        static final class Rm extends EachId {
            @Override
            void apply(SandboxClient client, String id) {
                client.checkpoints().delete(id);
            }
        }
    }

    @Command(name = "artifact", description = "Keep a sandbox's files in the object store, and bring them back.",
            subcommands = {Artifact.Push.class, Artifact.Pull.class, Artifact.Url.class, Artifact.Ls.class, Artifact.Rm.class})
    static final class Artifact {
        @Command(name = "push", description = "Store a file of a sandbox's workspace as an artifact.")
        static final class Push extends SbxCommand {
            @Parameters(index = "0", paramLabel = "SANDBOX")
            String sandbox;
            @Parameters(index = "1", paramLabel = "PATH")
            String path;
            @Option(names = "--as", description = "Where it is stored (default: its path in the workspace).")
            String remotePath;
            @Option(names = "--expires", description = "Seconds until it is deleted (default: kept).")
            Long expires;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().artifacts().upload(sandbox, path, remotePath, expires == null ? null : Duration.ofSeconds(expires)),
                        ArtifactView::id);
                return 0;
            }
        }

        @Command(name = "pull", description = "Write an artifact into a sandbox.")
        static final class Pull extends SbxCommand {
            @Parameters(index = "0", paramLabel = "SANDBOX")
            String sandbox;
            @Parameters(index = "1", paramLabel = "ARTIFACT")
            String artifact;
            @Parameters(index = "2", paramLabel = "PATH")
            String path;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().artifacts().download(sandbox, artifact, path), d -> d.path() + " (" + d.size() + " bytes)");
                return 0;
            }
        }

        @Command(name = "url", description = "A URL that downloads the artifact without a credential.")
        static final class Url extends SbxCommand {
            @Parameters(paramLabel = "ARTIFACT")
            String artifact;
            @Option(names = "--expires", defaultValue = "3600", description = "Seconds it is valid (default: ${DEFAULT-VALUE}).")
            long expires;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().artifacts().url(artifact, Duration.ofSeconds(expires)), u -> u.url());
                return 0;
            }
        }

        @Command(name = "ls", description = "List artifacts, newest first.")
        static final class Ls extends SbxCommand {
            @Option(names = "--sandbox", description = "Only this sandbox's.")
            String sandbox;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().artifacts().list(sandbox), list -> Sbx.table(List.of("ID", "PATH", "BYTES", "TYPE", "CREATED"),
                        list.stream().map(a -> List.of(a.id(), a.remotePath(), String.valueOf(a.size()), a.contentType(), a.createdAt())).toList()));
                return 0;
            }
        }

        @Command(name = "rm", description = "Delete artifacts.")
        static final class Rm extends EachId {
            @Override
            void apply(SandboxClient client, String id) {
                client.artifacts().delete(id);
            }
        }
    }

    @Command(name = "webhook", description = "Webhooks: list, register, test, delete.",
            subcommands = {Webhook.Ls.class, Webhook.Create.class, Webhook.Test.class, Webhook.Rm.class})
    static final class Webhook {
        @Command(name = "ls", description = "List webhooks.")
        static final class Ls extends SbxCommand {

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().webhooks().list(), list -> Sbx.table(List.of("ID", "URL", "EVENTS", "ENABLED"),
                        list.stream().map(w -> List.of(w.id(), w.url(), String.valueOf(w.events()), String.valueOf(w.enabled()))).toList()));
                return 0;
            }
        }

        @Command(name = "create", description = "Register a webhook; prints its signing secret, shown this once.")
        static final class Create extends SbxCommand {
            @Parameters(paramLabel = "URL")
            String url;
            @Option(names = "--event", description = "An event it receives (repeatable; default all).")
            List<String> events = new ArrayList<>();
            @Option(names = "--secret", description = "Its signing secret (default: a new one).")
            String secret;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().webhooks().create(url, events, secret), w -> w.id() + " secret " + w.secret());
                return 0;
            }
        }

        @Command(name = "test", description = "Send a signed webhook.test event now; exits 1 if it was not delivered.")
        static final class Test extends SbxCommand {
            @Parameters(paramLabel = "WEBHOOK")
            String webhook;

            @Override
            int run(Sbx sbx) {
                WebhookView.TestResult result = sbx.client().webhooks().test(webhook);
                sbx.print(result, r -> r.success() ? "delivered: " + r.statusCode() + " in " + r.durationMs() + " ms"
                        : "not delivered: " + (r.statusCode() == null ? r.error() : "status " + r.statusCode()));
                return result.success() ? 0 : 1;
            }
        }

        @Command(name = "rm", description = "Delete webhooks.")
        static final class Rm extends EachId {
            @Override
            void apply(SandboxClient client, String id) {
                client.webhooks().delete(id);
            }
        }
    }

    @Command(name = "keys", description = "API keys: list (default), create, revoke.",
            subcommands = {Keys.Create.class, Keys.Revoke.class})
    static final class Keys extends SbxCommand {

        @Override
        int run(Sbx sbx) {
            sbx.print(sbx.client().organization().apiKeys(), list -> Sbx.table(List.of("ID", "NAME", "PREFIX", "SCOPES", "EXPIRES", "LAST USED"),
                    list.stream().map(k -> List.of(k.id(), k.name(), k.keyPrefix(), String.join(",", k.scopes()),
                            k.expiresAt() == null ? "never" : k.expiresAt(), k.lastUsedAt() == null ? "never" : k.lastUsedAt())).toList()));
            return 0;
        }

        @Command(name = "create", description = "Create a key; prints it, shown this once.")
        static final class Create extends SbxCommand {
            @Parameters(paramLabel = "NAME")
            String name;
            @Option(names = "--scope", description = "sandbox:read, sandbox:write or admin (repeatable; default all).")
            List<String> scopes = new ArrayList<>();
            @Option(names = "--days", description = "Days until it expires (default: never).")
            Integer days;

            @Override
            int run(Sbx sbx) {
                sbx.print(sbx.client().organization().createApiKey(name, scopes, days), ApiKeyView.Created::key);
                return 0;
            }
        }

        @Command(name = "revoke", description = "Revoke keys.")
        static final class Revoke extends EachId {
            @Override
            void apply(SandboxClient client, String id) {
                client.organization().revokeApiKey(id);
            }
        }
    }

    @Command(name = "templates", description = "The templates sandboxes are made from.")
    static final class Templates extends SbxCommand {
        @Option(names = "--category")
        String category;
        @Option(names = "--search")
        String search;

        @Override
        int run(Sbx sbx) {
            List<TemplateView> templates = sbx.client().organization().templates(category, search);
            sbx.print(templates, list -> Sbx.table(List.of("ID", "CATEGORY", "CPUS", "MEMORY", "DESCRIPTION"),
                    list.stream().map(t -> List.of(t.id(), t.category(), t.cpus(), t.memory(), String.valueOf(t.description()))).toList()));
            return 0;
        }
    }

    @Command(name = "events", description = "The organization's events.", subcommands = EventsCommand.Tail.class)
    static final class EventsCommand {
        @Command(name = "tail", description = "Print events as they happen (one JSON object a line with -o json) until interrupted.")
        static final class Tail extends SbxCommand {
            @Option(names = "--type", description = "Only events of this type (repeatable).")
            List<String> types = new ArrayList<>();
            @Option(names = "--sandbox", description = "Only this sandbox's events.")
            String sandbox;
            @Option(names = "--from", description = "Start after this event number (0: from the first kept; default: now).")
            String from;
            @Option(names = {"-n", "--count"}, description = "Stop after this many events.")
            Long count;

            @Override
            int run(Sbx sbx) throws Exception {
                try (Stream<Events.Event> events = sbx.client().events().stream(from, types, sandbox)) {
                    Stream<Events.Event> shown = count == null ? events : events.limit(count);
                    for (Events.Event event : (Iterable<Events.Event>) shown::iterator) {
                        sbx.out().println(sbx.output == Sbx.Format.json ? Sbx.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(event)
                                : event.number() + "  " + event.timestamp() + "  " + event.event() + "  " + (event.sandboxId() == null ? "" : event.sandboxId()));
                        sbx.out().flush();
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "usage", description = "This month's usage and its estimated cost.")
    static final class Usage extends SbxCommand {

        @Override
        int run(Sbx sbx) {
            UsageView.Current usage = sbx.client().organization().usage();
            sbx.print(usage, u -> Sbx.table(List.of("CPU HOURS", "MEMORY GB-HOURS", "NETWORK GB", "STORAGE GB", "SANDBOXES", "COST"),
                    List.of(List.of(String.format("%.3f", u.cpuHours()), String.format("%.3f", u.memoryGbHours()), String.format("%.3f", u.networkGb()),
                            String.format("%.3f", u.storageGb()), String.valueOf(u.sandboxCreations()),
                            String.format("$%d.%02d", u.estimatedCostCents() / 100, u.estimatedCostCents() % 100)))));
            return 0;
        }
    }
}
