package com.stateset.sandbox.distribution;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the whole tree, read from the modules' compiled classes: the SPI and the API
 * (the wire contract) depend on nothing of ours, a plugin only on the SPI, the server on no plugin,
 * the Java SDK only on the API and the command line only on the SDK and the API;
 * in the server the model and the errors depend on nothing else of it (the errors on the API's
 * codes), the services on nothing of the HTTP layer, the resources on no DAO; and no two of the
 * server's packages (its root included) depend on each other, directly or around a cycle.
 */
class ArchitectureTest {

    private static final String SPI = "com.stateset.sandbox.spi..";
    private static final String API = "com.stateset.sandbox.api..";
    private static final String SERVER = "com.stateset.sandbox.server..";
    private static final String SDK = "com.stateset.sandbox.client..";
    private static final String CLI = "com.stateset.sandbox.cli..";
    private static final List<String> PLUGINS = List.of("com.stateset.sandbox.docker..", "com.stateset.sandbox.kubernetes..",
            "com.stateset.sandbox.storage.s3..", "com.stateset.sandbox.storage.gcs..");
    private static JavaClasses classes;

    @BeforeAll
    static void importTheModules() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> modules = List.of("core/spi", "api", "core/server", "plugin-docker-runtime", "plugin-k8s-runtime", "plugin-storage-s3",
                "plugin-storage-gcs", "sdk/java", "cli").stream().map(m -> root.resolve(m).resolve("target/classes")).toList();
        for (Path module : modules) {
            if (!Files.isDirectory(module)) {
                throw new IllegalStateException(module + " is missing; build from the root: ./mvnw verify");
            }
        }
        classes = new ClassFileImporter().importPaths(modules);
    }

    @Test
    void theSpiDependsOnNothingOfOurs() {
        classes().that().resideInAPackage(SPI)
                .should().onlyDependOnClassesThat(resideInAPackage(SPI).or(not(resideInAPackage("com.stateset.sandbox.."))))
                .check(classes);
    }

    @Test
    void theApiDependsOnNothingOfOurs() {
        classes().that().resideInAPackage(API)
                .should().onlyDependOnClassesThat(resideInAPackage(API).or(not(resideInAPackage("com.stateset.sandbox.."))))
                .check(classes);
    }

    /** The Java SDK speaks the wire contract only; the command line is one of its users. */
    @Test
    void theSdkDependsOnlyOnTheApiAndTheCommandLineOnlyOnTheSdk() {
        classes().that().resideInAPackage(SDK)
                .should().onlyDependOnClassesThat(resideInAnyPackage(SDK, API).or(not(resideInAPackage("com.stateset.sandbox.."))))
                .check(classes);
        classes().that().resideInAPackage(CLI)
                .should().onlyDependOnClassesThat(resideInAnyPackage(CLI, SDK, API).or(not(resideInAPackage("com.stateset.sandbox.."))))
                .check(classes);
    }

    @Test
    void pluginsDependOnlyOnTheSpiAndThemselves() {
        for (String plugin : PLUGINS) {
            classes().that().resideInAPackage(plugin)
                    .should().onlyDependOnClassesThat(resideInAnyPackage(plugin, SPI).or(not(resideInAPackage("com.stateset.sandbox.."))))
                    .check(classes);
        }
    }

    @Test
    void theServerDependsOnNoPlugin() {
        noClasses().that().resideInAPackage(SERVER)
                .should().dependOnClassesThat().resideInAnyPackage(PLUGINS.toArray(String[]::new))
                .check(classes);
    }

    @Test
    void theModelAndTheErrorsDependOnNothingElseOfTheServer() {
        for (String base : List.of("com.stateset.sandbox.server.model..", "com.stateset.sandbox.server.errors..")) {
            classes().that().resideInAPackage(base)
                    .should().onlyDependOnClassesThat(resideInAnyPackage(base, API).or(not(resideInAPackage("com.stateset.sandbox.."))))
                    .check(classes);
        }
    }

    @Test
    void onlyTheHttpLayerKnowsHttp() {
        // Services throw errors of a kind; http.ErrorMapper alone turns kinds into statuses.
        noClasses().that().resideInAnyPackage("com.stateset.sandbox.server.core..", "com.stateset.sandbox.server.events..",
                        "com.stateset.sandbox.server.db..", "com.stateset.sandbox.server.model..", "com.stateset.sandbox.server.errors..",
                        "com.stateset.sandbox.server.pool..", "com.stateset.sandbox.server.templates..",
                        "com.stateset.sandbox.server.archive..", "com.stateset.sandbox.server.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("com.stateset.sandbox.server.http..",
                        "com.stateset.sandbox.server.resources..", "jakarta.servlet..")
                .check(classes);
    }

    @Test
    void resourcesNeverReachTheDatabase() {
        noClasses().that().resideInAPackage("com.stateset.sandbox.server.resources..")
                .should().dependOnClassesThat().resideInAPackage("com.stateset.sandbox.server.db..")
                .check(classes);
    }

    @Test
    void noPackageCycleInTheServer() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (JavaClass source : classes) {
            String from = serverPackage(source);
            if (from == null) {
                continue;
            }
            for (Dependency dependency : source.getDirectDependenciesFromSelf()) {
                String to = serverPackage(dependency.getTargetClass());
                if (to != null && !to.equals(from)) {
                    graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                }
            }
        }
        Set<String> onCycles = new TreeSet<>();
        graph.forEach((from, targets) -> targets.stream().filter(to -> reaches(graph, to, from))
                .forEach(to -> onCycles.add(from + " -> " + to)));
        assertThat(onCycles).as("dependencies between the server's packages that close a cycle").isEmpty();
    }

    /** The server package a class is in (the first name under server, "server" itself for the root), or null. */
    private static String serverPackage(JavaClass type) {
        String name = type.getPackageName();
        String root = "com.stateset.sandbox.server";
        if (name.equals(root)) {
            return "server";
        }
        if (!name.startsWith(root + ".")) {
            return null;
        }
        String rest = name.substring(root.length() + 1);
        return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target) {
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(from));
        while (!next.isEmpty()) {
            String node = next.pop();
            if (node.equals(target)) {
                return true;
            }
            if (seen.add(node)) {
                next.addAll(graph.getOrDefault(node, Set.of()));
            }
        }
        return false;
    }
}
