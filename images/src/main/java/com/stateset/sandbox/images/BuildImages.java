package com.stateset.sandbox.images;

import com.stateset.sandbox.images.Catalog.CatalogException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Builds the catalog's template images ({@code <prefix>/<template>:latest}) on the local Docker
 * engine. Each is built under a temporary tag, smoke-tested, and only then tagged {@code latest},
 * so a failed rebuild leaves the previous image as it was.
 */
@Command(name = "build-images", sortOptions = false, usageHelpAutoWidth = true,
        description = "Builds the sandbox template images <prefix>/<template>:latest on the local Docker engine, "
                + "without needing a container registry. Without template names, all the catalog's templates are built.",
        footer = {"%nExit status: 0 if every requested template was built or skipped, 1 if any failed, 2 on usage errors."})
public final class BuildImages implements Callable<Integer> {

    static final int FAILED = 1;
    static final int USAGE = 2;

    enum StrategyName { debootstrap, dockerfile }

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TEMPLATE", arity = "0..*", description = "Templates to build (default: all).")
    private List<String> requested = new ArrayList<>();

    @Option(names = "--force", description = "Rebuild images that already exist.")
    private boolean force;

    @Option(names = "--strategy", paramLabel = "STRATEGY", description = "debootstrap (the default on Linux as root with "
            + "debootstrap installed; needs no container registry) or dockerfile (docker build FROM the base image; needs a "
            + "registry, or that image present locally).")
    private StrategyName strategy;

    @Option(names = "--print-dockerfile", description = "Print each template's Dockerfile and provisioning script, and exit.")
    private boolean printDockerfile;

    @Option(names = {"-v", "--verbose"}, description = "Stream build output (it always goes to a log file).")
    private boolean verbose;

    @Option(names = "--catalog", paramLabel = "FILE", description = "A catalog of your own (the shape of images/templates.yaml); "
            + "default: the bundled one.")
    private Path catalogFile;

    @Option(names = "--image-prefix", paramLabel = "REPOSITORY", defaultValue = "stateset-sandbox",
            description = "Repository of the images, as the server's catalog.imagePrefix (default: ${DEFAULT-VALUE}).")
    private String imagePrefix;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "${env:SANDBOX_IMAGE_CACHE:-/var/cache/stateset-sandbox/images}",
            description = "Cache of the base rootfs, logs and work directories (SANDBOX_IMAGE_CACHE; default: ${DEFAULT-VALUE}); "
                    + "delete it to refresh the base rootfs.")
    private Path cache;

    @Option(names = "--mirror", paramLabel = "URL", defaultValue = "${env:SANDBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}",
            description = "Debian mirror (SANDBOX_DEBIAN_MIRROR; default: ${DEFAULT-VALUE}).")
    private String mirror;

    @Option(names = "--security-mirror", paramLabel = "URL",
            defaultValue = "${env:SANDBOX_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}",
            description = "Debian security mirror (SANDBOX_DEBIAN_SECURITY_MIRROR; default: ${DEFAULT-VALUE}).")
    private String securityMirror;

    @Option(names = "--base-image", paramLabel = "IMAGE", defaultValue = "${env:SANDBOX_DOCKERFILE_BASE:-debian:bookworm-slim}",
            description = "Base image of the dockerfile strategy (SANDBOX_DOCKERFILE_BASE; default: ${DEFAULT-VALUE}).")
    private String baseImage;

    @Option(names = "--build-ca-file", paramLabel = "FILE",
            defaultValue = "${env:SANDBOX_BUILD_CA_FILE:-/etc/ssl/certs/ca-certificates.crt}",
            description = "CA bundle trusted for downloads during a debootstrap build, not put into the images "
                    + "(SANDBOX_BUILD_CA_FILE; default: ${DEFAULT-VALUE}).")
    private Path buildCaFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        // docker-java logs through SLF4J; the builder reports what matters itself.
        System.setProperty("slf4j.internal.verbosity", "WARN");
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.exit(new CommandLine(new BuildImages()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Catalog catalog;
        try {
            catalog = catalogFile == null ? Catalog.bundled() : Catalog.read(catalogFile);
        } catch (CatalogException e) {
            err.println("build-images: " + e.getMessage());
            return USAGE;
        }
        List<Recipe> targets = new ArrayList<>();
        for (String name : requested.isEmpty() ? catalog.names() : new LinkedHashSet<>(requested)) {
            Optional<Recipe> recipe = catalog.find(name);
            if (recipe.isEmpty()) {
                err.println("build-images: unknown template '" + name + "'");
                err.println("valid templates: " + String.join(" ", catalog.names()));
                return USAGE;
            }
            targets.add(recipe.get());
        }
        if (!imagePrefix.matches("[a-z0-9][a-z0-9._:/-]{0,199}")) {
            err.println("build-images: --image-prefix: '" + imagePrefix + "' is not an image repository");
            return USAGE;
        }
        if (printDockerfile) {
            for (Recipe recipe : targets) {
                out.println("# ---- " + recipe.name() + ": Dockerfile");
                out.print(ImageLayout.dockerfile(baseImage, recipe));
                out.println("# ---- " + recipe.name() + ": provision.sh (next to the Dockerfile)");
                out.print(ImageLayout.provisionScript(recipe));
            }
            out.flush();
            return 0;
        }
        String unavailable = DebootstrapStrategy.unavailableReason();
        StrategyName chosen = strategy != null ? strategy : unavailable == null ? StrategyName.debootstrap : StrategyName.dockerfile;
        if (chosen == StrategyName.debootstrap && unavailable != null) {
            err.println("build-images: the debootstrap strategy " + unavailable);
            return FAILED;
        }
        try (Engine engine = Engine.connect()) {
            return build(engine, chosen, targets, out, err);
        } catch (BuildException e) {
            err.println("build-images: " + e.getMessage());
            return FAILED;
        }
    }

    private int build(Engine engine, StrategyName chosen, List<Recipe> targets, PrintWriter out, PrintWriter err) throws IOException {
        Map<String, String> results = new LinkedHashMap<>();
        List<Recipe> toBuild = new ArrayList<>();
        for (Recipe recipe : targets) {
            String image = latest(recipe);
            if (!force && engine.imageId(image).isPresent()) {
                out.println("skip " + recipe.name() + ": " + image + " exists");
                results.put(recipe.name(), "skipped  " + image + " exists");
            } else {
                toBuild.add(recipe);
            }
        }
        Path logs = logDirectory();
        out.println("strategy: " + chosen + "; logs: " + logs);
        out.flush();
        Strategy builder;
        String baseFailed = null;
        if (chosen == StrategyName.debootstrap) {
            DebootstrapStrategy debootstrap = new DebootstrapStrategy(engine, cache.toAbsolutePath(), mirror, securityMirror, buildCaFile);
            builder = debootstrap;
            if (!toBuild.isEmpty()) {
                long start = System.nanoTime();
                try (BuildLog log = new BuildLog(logs.resolve("base.log"), "base", console())) {
                    try {
                        debootstrap.prepareBase(log);
                        out.println("base rootfs: ready after " + since(start));
                    } catch (RuntimeException e) {
                        baseFailed = "base rootfs bootstrap failed (" + e.getMessage() + "); see " + log.path();
                        err.println(log.tail(20));
                    }
                }
            }
        } else {
            builder = new DockerfileStrategy(engine, baseImage);
        }
        for (Recipe recipe : toBuild) {
            if (baseFailed != null) {
                results.put(recipe.name(), "FAILED   " + baseFailed);
                continue;
            }
            results.put(recipe.name(), buildOne(engine, builder, recipe, logs, out, err));
        }
        out.println();
        out.println("Summary:");
        boolean failed = false;
        for (Recipe recipe : targets) {
            out.printf("  %-20s %s%n", recipe.name(), results.get(recipe.name()));
            failed |= results.get(recipe.name()).startsWith("FAILED");
        }
        out.flush();
        return failed ? FAILED : 0;
    }

    /** Builds, tests and tags one template; its line in the summary. */
    private String buildOne(Engine engine, Strategy builder, Recipe recipe, Path logs, PrintWriter out, PrintWriter err)
            throws IOException {
        String image = latest(recipe);
        String buildTag = "build-" + ProcessHandle.current().pid();
        String temporary = imagePrefix + "/" + recipe.name() + ":" + buildTag;
        long start = System.nanoTime();
        Path logFile = logs.resolve(recipe.name() + ".log");
        out.println("==> " + recipe.name() + ": building " + image + " (log " + logFile + ")");
        out.flush();
        try (BuildLog log = new BuildLog(logFile, recipe.name(), console())) {
            try {
                builder.build(recipe, imagePrefix + "/" + recipe.name(), buildTag, log);
                smokeTest(engine, recipe, temporary, log);
                log.step("tagging");
                Optional<String> previous = engine.imageId(image);
                engine.tag(temporary, imagePrefix + "/" + recipe.name(), "latest");
                engine.remove(temporary);
                String id = engine.imageId(image).orElseThrow(() -> new BuildException(image + " is missing after tagging"));
                if (previous.isPresent() && !previous.get().equals(id)) {
                    // The replaced image is untagged now; dropped unless something still uses it.
                    engine.remove(previous.get()).ifPresent(why -> log.output("kept the previous image " + previous.get() + ": " + why + "\n"));
                }
                log.output("built " + image + " (" + id + ")\n");
            } catch (RuntimeException e) {
                engine.remove(temporary);
                String during = log.step();
                err.println("==> " + recipe.name() + ": FAILED during '" + during + "': " + e.getMessage() + "; last lines of " + logFile + ":");
                err.println(log.tail(15));
                err.flush();
                return "FAILED   after " + since(start) + " during '" + during + "' (" + e.getMessage() + "); log " + logFile;
            }
            out.println("==> " + recipe.name() + ": built in " + since(start));
            String result = "built    " + image + " in " + since(start);
            if (!log.notes().isEmpty()) {
                String notes = String.join(" ", log.notes());
                err.println("WARNING: " + recipe.name() + " was built without some optional packages: " + notes);
                result += "; NOTE: " + notes;
            }
            return result;
        }
    }

    /** Runs the recipe's smoke test in the new image, as the sandbox user without network. */
    private static void smokeTest(Engine engine, Recipe recipe, String image, BuildLog log) {
        log.step("smoke test");
        Engine.Run run = engine.run(image, ImageLayout.smokeTestEnv(recipe), ImageLayout.smokeTestScript());
        log.output(run.output());
        if (run.exitCode() != 0) {
            List<String> lines = run.output().lines().toList();
            throw new BuildException("smoke test failed: " + (lines.isEmpty() ? "exit " + run.exitCode() : lines.getLast()));
        }
        List<String> missing = run.output().lines().filter(l -> l.startsWith("optional command missing: "))
                .map(l -> l.substring("optional command missing: ".length())).toList();
        if (!missing.isEmpty() && log.notes().isEmpty()) {
            log.note("optional command(s) not installed: " + String.join(" ", missing));
        }
    }

    private String latest(Recipe recipe) {
        return imagePrefix + "/" + recipe.name() + ":latest";
    }

    private Path logDirectory() throws IOException {
        Path logs = cache.resolve("logs");
        try {
            Files.createDirectories(logs);
            if (Files.isWritable(logs)) {
                return logs;
            }
        } catch (IOException notHere) {
            // not ours to write (not root): a temporary directory will do
        }
        return Files.createTempDirectory("stateset-sandbox-logs.");
    }

    private PrintStream console() {
        return verbose ? new PrintStream(System.out, true, StandardCharsets.UTF_8) : null;
    }

    private static String since(long startNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        return "%dm%02ds".formatted(took.toMinutes(), took.toSecondsPart());
    }
}
