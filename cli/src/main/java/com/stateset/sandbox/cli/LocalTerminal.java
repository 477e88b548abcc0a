package com.stateset.sandbox.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The user's own terminal, through {@code stty} on {@code /dev/tty} (Linux and macOS): its size, and
 * raw mode while a sandbox's terminal runs, so that keys go to the sandbox as they are typed
 * (Ctrl-C included) and are echoed by it.
 */
final class LocalTerminal {

    private final String saved;

    private LocalTerminal(String saved) {
        this.saved = saved;
    }

    /** Columns and rows; 80 by 24 when stty cannot tell. */
    static int[] size() {
        try {
            String[] size = stty("size").strip().split("\\s+");
            return new int[] {Integer.parseInt(size[1]), Integer.parseInt(size[0])};
        } catch (IOException | RuntimeException unknown) {
            return new int[] {80, 24};
        }
    }

    /** Raw mode, no echo; {@link #restore} puts back what was. */
    static LocalTerminal raw() throws IOException {
        LocalTerminal terminal = new LocalTerminal(stty("-g").strip());
        stty("raw", "-echo");
        return terminal;
    }

    /** Puts back the settings saved by {@link #raw}. */
    void restore() throws IOException {
        stty(saved);
    }

    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectInput(new java.io.File("/dev/tty")).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
