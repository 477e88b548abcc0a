package com.stateset.sandbox.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry-free way: a minimal Debian root file system bootstrapped once into a cache, copied
 * per template, provisioned in a chroot (in namespaces of its own) and imported into the engine. Needs Linux, root, debootstrap
 * and a reachable Debian mirror (and the npm registry for npm packages); no container registry.
 */
final class DebootstrapStrategy implements Strategy {

    static final String SUITE = "bookworm";
    /** Raised when the base's preparation changes, so that cached bases are bootstrapped again. */
    private static final String BASE_REVISION = "1";
    /** Where the build host's CA bundle is while packages are installed (a TLS-inspecting proxy is common); not kept. */
    private static final String CHROOT_CA_FILE = "/tmp/.build-host-ca.crt";
    /** Settings of the build host that downloads in the chroot need. */
    private static final List<String> PASSED_ENV = List.of("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY",
            "NO_PROXY", "npm_config_registry", "NPM_CONFIG_REGISTRY");

    private final Engine engine;
    private final Path cache;
    private final String mirror;
    private final String securityMirror;
    private final Path buildCaFile;

    DebootstrapStrategy(Engine engine, Path cache, String mirror, String securityMirror, Path buildCaFile) {
        this.engine = engine;
        this.cache = cache;
        this.mirror = mirror;
        this.securityMirror = securityMirror;
        this.buildCaFile = buildCaFile;
    }

    /** Whether this host can build this way; why not otherwise. */
    static String unavailableReason() {
        if (!System.getProperty("os.name").equals("Linux")) {
            return "needs Linux";
        }
        try {
            if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
                return "needs root";
            }
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot tell whether it runs as root";
        }
        for (String command : List.of("debootstrap", "chroot", "unshare", "mount", "tar")) {
            if (!Commands.exists(command)) {
                return "needs " + command;
            }
        }
        return null;
    }

    private Path base() {
        return cache.resolve("base-" + SUITE + "-" + System.getProperty("os.arch"));
    }

    private Path stamp() {
        return cache.resolve(base().getFileName() + ".complete");
    }

    private boolean baseIsComplete() throws IOException {
        return Files.isDirectory(base()) && Files.exists(stamp()) && Files.readString(stamp()).strip().equals(BASE_REVISION);
    }

    /** Bootstraps the base unless the cache has it; concurrent runs wait for each other. */
    void prepareBase(BuildLog log) {
        try (FileChannel lock = lockFile("base.lock"); FileLock held = lock.lock()) {
            if (baseIsComplete()) {
                log.output("base rootfs: " + base() + " (cached)\n");
                return;
            }
            log.step("bootstrapping Debian " + SUITE + " into " + base());
            Files.deleteIfExists(stamp());
            Trees.delete(base());
            Path tmp = Files.createTempDirectory(cache, "base.");
            try {
                Path root = tmp.resolve("rootfs");
                Commands.run(log, List.of("debootstrap", "--variant=minbase", "--include=ca-certificates", SUITE, root.toString(), mirror));
                trimBase(root, log);
                leaveBuildMode(root);
                Files.move(root, base());
                Files.writeString(stamp(), BASE_REVISION + "\n");
            } finally {
                Trees.delete(tmp);
            }
        } catch (IOException e) {
            throw new BuildException("preparing the base rootfs failed: " + e.getMessage());
        }
    }

    /** The mirrors as apt sources, and the same exclusions as the debian:*-slim images (no docs, man pages or translations). */
    private void trimBase(Path root, BuildLog log) throws IOException {
        Files.deleteIfExists(root.resolve("etc/apt/sources.list"));
        Files.writeString(root.resolve("etc/apt/sources.list.d/debian.sources"), """
                Types: deb
                URIs: %s
                Suites: %s %s-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: %s
                Suites: %s-security
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
                """.formatted(mirror, SUITE, SUITE, securityMirror, SUITE));
        Files.writeString(root.resolve("etc/dpkg/dpkg.cfg.d/docker"), """
                path-exclude /usr/share/doc/*
                path-include /usr/share/doc/*/copyright
                path-exclude /usr/share/groff/*
                path-exclude /usr/share/info/*
                path-exclude /usr/share/linda/*
                path-exclude /usr/share/lintian/overrides/*
                path-exclude /usr/share/locale/*
                path-exclude /usr/share/man/*
                """);
        String trim = """
                find /usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
                find /usr/share/doc -mindepth 1 -type d -empty -delete
                for d in groff info linda lintian/overrides locale man; do
                  [ -d "/usr/share/$d" ] && find "/usr/share/$d" -mindepth 1 -delete
                done
                rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/cache/apt/*.bin
                find /var/log -type f -exec truncate -s 0 {} +
                """;
        Commands.run(log, chrootEnv(root), List.of("chroot", root.toString(), "/bin/sh", "-c", trim));
    }

    @Override
    public void build(Recipe recipe, String repository, String tag, BuildLog log) {
        Path work = null;
        try {
            Files.createDirectories(cache.resolve("work"));
            work = Files.createTempDirectory(cache.resolve("work"), recipe.name() + ".");
            Path root = work.resolve("rootfs");
            log.step("copying base rootfs");
            try (FileChannel lock = lockFile("base.lock"); FileLock held = lock.lock(0, Long.MAX_VALUE, true)) {
                if (!baseIsComplete()) {
                    throw new BuildException("the base rootfs " + base() + " is missing or incomplete");
                }
                Commands.run(log, List.of("cp", "-a", base().toString(), root.toString()));
            }

            log.step("installing packages");
            enterBuildMode(root);
            Files.writeString(root.resolve("tmp/provision.sh"), ImageLayout.provisionScript(recipe));
            Map<String, String> env = chrootEnv(root);
            env.put("KEEP_BUILD_NOTES", "1");
            Commands.run(log, env, isolatedChroot(root, "/bin/sh", "/tmp/provision.sh"));
            Path notes = root.resolve(ImageLayout.NOTES.substring(1));
            if (Files.isRegularFile(notes, LinkOption.NOFOLLOW_LINKS)) {
                Files.readAllLines(notes).stream().filter(line -> !line.isBlank()).forEach(log::note);
            }
            Files.deleteIfExists(notes);
            Files.deleteIfExists(root.resolve("tmp/provision.sh"));
            leaveBuildMode(root);

            log.step("importing into docker");
            importRootfs(root, repository, tag, ImageLayout.instructions(recipe), log);
        } catch (IOException e) {
            throw new BuildException(e.toString());
        } finally {
            Trees.delete(work);
        }
    }

    private void importRootfs(Path root, String repository, String tag, List<String> instructions, BuildLog log)
            throws IOException {
        Process tar = new ProcessBuilder("tar", "--numeric-owner", "--xattrs", "--xattrs-include=security.capability",
                "-C", root.toString(), "-cf", "-", ".").redirectError(ProcessBuilder.Redirect.PIPE).start();
        Thread errors = Thread.ofVirtual().start(() -> {
            try (InputStream err = tar.getErrorStream()) {
                log.copy(err);
            } catch (IOException ignored) {
                // the exit code says whether tar failed
            }
        });
        try (InputStream stream = tar.getInputStream()) {
            engine.importRootfs(stream, repository, tag, instructions);
        }
        try {
            errors.join();
            if (tar.waitFor() != 0) {
                throw new BuildException("tar of the rootfs exited with " + tar.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted");
        }
    }

    /**
     * A command run in the chroot inside mount and pid namespaces of its own. Package maintainer
     * scripts expect /proc, /sys and /dev: they are mounted there privately, so they never propagate
     * to the host and vanish with the command even when the builder is killed, and the chroot's
     * /proc shows its own processes only.
     */
    private static List<String> isolatedChroot(Path root, String... command) {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--pid", "--fork",
                "--mount-proc=" + root.resolve("proc"), "--", "/bin/sh", "-c", MOUNT_AND_CHROOT, "sh", root.toString()));
        argv.addAll(List.of(command));
        return argv;
    }

    private static final String MOUNT_AND_CHROOT = """
            set -e
            root=$1
            shift
            mount -t sysfs -o ro sysfs "$root/sys"
            mount --bind /dev "$root/dev"
            mount --bind /dev/pts "$root/dev/pts"
            exec chroot "$root" "$@"
            """;

    /** Files that must describe the build host while packages install (DNS, CAs), and no service may start. */
    private void enterBuildMode(Path root) throws IOException {
        Files.deleteIfExists(root.resolve("etc/resolv.conf"));
        Files.copy(Path.of("/etc/resolv.conf"), root.resolve("etc/resolv.conf"));
        if (Files.isReadable(buildCaFile)) {
            Files.copy(buildCaFile, root.resolve(CHROOT_CA_FILE.substring(1)));
        }
        Path policy = root.resolve("usr/sbin/policy-rc.d");
        Files.deleteIfExists(policy);
        Files.writeString(policy, "#!/bin/sh\n# Services must not start while the image is built.\nexit 101\n");
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * The image keeps neutral DNS and host files (the engine mounts its own at run time), not the
     * build host's. Each is removed before being written: a link a package left must not redirect
     * the write to a file of the build host.
     */
    private static void leaveBuildMode(Path root) throws IOException {
        for (String file : List.of("usr/sbin/policy-rc.d", CHROOT_CA_FILE.substring(1), "etc/resolv.conf", "etc/hostname", "etc/hosts")) {
            Files.deleteIfExists(root.resolve(file));
        }
        Files.writeString(root.resolve("etc/resolv.conf"), "");
        Files.writeString(root.resolve("etc/hostname"), "localhost\n");
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        for (String file : List.of("etc/resolv.conf", "etc/hostname", "etc/hosts")) {
            Files.setPosixFilePermissions(root.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** A clean environment for the chroot, keeping the proxy and npm registry settings downloads need. */
    private static Map<String, String> chrootEnv(Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ImageLayout.IMAGE_PATH);
        env.put("HOME", "/root");
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("DEBIAN_FRONTEND", "noninteractive");
        if (Files.isRegularFile(root.resolve(CHROOT_CA_FILE.substring(1)))) {
            env.put("NODE_EXTRA_CA_CERTS", CHROOT_CA_FILE);
        }
        for (String name : PASSED_ENV) {
            String value = System.getenv(name);
            if (value != null && !value.isEmpty()) {
                env.put(name, value);
            }
        }
        return env;
    }

    private FileChannel lockFile(String name) throws IOException {
        Files.createDirectories(cache);
        return FileChannel.open(cache.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
