package com.stateset.sandbox.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every template image is, whichever way it is built: the sandbox user, its directories, the
 * environment, and the scripts that provision and check an image. The server relies on all of it
 * (the user and directories its containers and pods run with, the commands it runs inside).
 */
final class ImageLayout {

    static final int UID = 1000;
    static final int GID = 1000;
    static final String HOME = "/home/sandbox";
    static final String IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /**
     * What the sandbox user installs goes under the workspace, where checkpoints and forks keep it;
     * the system stays read-only. pip, finding the system's site-packages unwritable, installs there
     * (PEP 668's guard is for root installs that could break apt's packages, which cannot happen
     * here; a venv the user makes works as usual), and npm's global prefix is there too.
     */
    static final String USER_PREFIX = "/workspace/.local";
    /**
     * The user's own global modules, those installed at build time (npm's prefix is /usr/local on
     * Debian) and Debian's node-* packages, so that {@code require('express')} resolves from any
     * working directory.
     */
    static final String NODE_MODULE_PATH = USER_PREFIX + "/lib/node_modules:/usr/local/lib/node_modules:/usr/share/nodejs:/usr/lib/nodejs";
    /** Commands the server itself runs inside every image. */
    static final List<String> SERVER_COMMANDS = List.of("sh", "bash", "mv", "mkdir", "dirname", "stat", "tr", "head", "dd",
            "sleep", "touch", "printf", "cat", "id", "grep");
    /** Where the provisioning script leaves notes on optional packages it could not install. */
    static final String NOTES = "/tmp/.stateset-build-notes";

    private ImageLayout() {
    }

    /** The image's environment, in order. */
    static Map<String, String> env(Recipe recipe) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", HOME);
        env.put("PATH", USER_PREFIX + "/bin:" + IMAGE_PATH);
        env.put("LANG", "C.UTF-8");
        env.put("PYTHONUSERBASE", USER_PREFIX);
        env.put("PIP_BREAK_SYSTEM_PACKAGES", "1");
        env.put("NPM_CONFIG_PREFIX", USER_PREFIX);
        if (recipe.nodeModules()) {
            env.put("NODE_PATH", NODE_MODULE_PATH);
        }
        return env;
    }

    /** The script that provisions the image as root: the recipe's values, then the shared body. */
    static String provisionScript(Recipe recipe) {
        List<String> packages = new ArrayList<>(List.of("ca-certificates"));
        packages.addAll(recipe.packages());
        return "#!/bin/sh\n"
                + "PACKAGES='" + String.join(" ", packages) + "'\n"
                + "NPM_PACKAGES='" + String.join(" ", recipe.npmPackages()) + "'\n"
                + "SANDBOX_UID='" + UID + "'\nSANDBOX_GID='" + GID + "'\nSANDBOX_HOME='" + HOME + "'\n"
                + resource("provision.sh");
    }

    /**
     * A Dockerfile for the image: from {@code base}, provisioned by {@code provision.sh} beside it,
     * and given the layout's {@link #instructions(Recipe) user, directory and environment}.
     */
    static String dockerfile(String base, Recipe recipe) {
        StringBuilder file = new StringBuilder("FROM " + base + "\n")
                .append("USER root\n")
                .append("COPY provision.sh /tmp/provision.sh\n")
                .append("RUN sh /tmp/provision.sh && rm -f /tmp/provision.sh\n");
        instructions(recipe).forEach(instruction -> file.append(instruction).append('\n'));
        return file.toString();
    }

    /** The image's configuration as Dockerfile instructions (a Dockerfile's last lines, or an import's changes). */
    static List<String> instructions(Recipe recipe) {
        List<String> instructions = new ArrayList<>();
        env(recipe).forEach((name, value) -> instructions.add("ENV " + name + "=" + value));
        instructions.add("WORKDIR /workspace");
        instructions.add("USER " + UID + ":" + GID);
        instructions.add("CMD [\"sleep\",\"infinity\"]");
        return instructions;
    }

    /** The smoke test's script; its environment comes from {@link #smokeTestEnv(Recipe)}. */
    static String smokeTestScript() {
        return resource("smoke-test.sh");
    }

    static List<String> smokeTestEnv(Recipe recipe) {
        return List.of("REQUIRED=" + String.join(" ", SERVER_COMMANDS),
                "OPTIONAL=" + String.join(" ", recipe.optionalCommands()),
                "UIDGID=" + UID + ":" + GID,
                "CHECK=" + recipe.smokeTest());
    }

    private static String resource(String name) {
        try (InputStream in = ImageLayout.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the builder's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
