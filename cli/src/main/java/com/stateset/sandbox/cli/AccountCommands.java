package com.stateset.sandbox.cli;

import com.stateset.sandbox.api.SubscriptionView;
import com.stateset.sandbox.client.SandboxClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Logging in and who one is. */
final class AccountCommands {

    private AccountCommands() {
    }

    @Command(name = "login", description = "Check a server and key, and save them as a profile (file mode 0600).")
    static final class Login extends SbxCommand {

        @Option(names = "--key-stdin", description = "Read the key from standard input (instead of --api-key or a prompt).")
        boolean keyFromStdin;

        @Override
        int run(Sbx sbx) throws Exception {
            if (sbx.apiKey == null && sbx.env.get("SANDBOX_API_KEY") == null) {
                sbx.apiKey = readKey(keyFromStdin);
            }
            SandboxClient client = sbx.client();
            SubscriptionView plan = client.organization().subscription(); // fails here if the server or key is wrong
            String key = sbx.apiKey != null ? sbx.apiKey : sbx.env.get("SANDBOX_API_KEY");
            sbx.profiles.save(sbx.profile, new Profiles.Profile(sbx.server(), key));
            sbx.out().println("Logged in to " + sbx.server() + " as organization " + plan.subscription().orgId() + " (plan "
                    + plan.plan() + "); saved as profile " + sbx.profile + " in " + sbx.profiles.file());
            return 0;
        }

        private static String readKey(boolean fromStdin) throws java.io.IOException {
            java.io.Console console = System.console();
            if (!fromStdin && console != null) {
                char[] typed = console.readPassword("API key: ");
                return typed == null ? null : new String(typed).strip();
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? null : line.strip();
        }
    }

    @Command(name = "whoami", description = "The server, the key (its prefix) and the organization in use.")
    static final class Whoami extends SbxCommand {

        @Override
        int run(Sbx sbx) {
            SubscriptionView plan = sbx.client().organization().subscription();
            Map<String, Object> who = new LinkedHashMap<>();
            who.put("server", sbx.server());
            who.put("organization", plan.subscription().orgId());
            who.put("plan", plan.plan());
            who.put("sandboxes_running", plan.subscription().concurrentSandboxes());
            sbx.print(who, w -> Sbx.table(java.util.List.of("SERVER", "ORGANIZATION", "PLAN", "RUNNING"),
                    java.util.List.of(w.values().stream().map(String::valueOf).toList())));
            return 0;
        }
    }
}
