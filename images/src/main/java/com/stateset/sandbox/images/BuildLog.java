package com.stateset.sandbox.images;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One build's log file (everything its commands print), echoed to the console when verbose; the step
 * it is in, to say where a failure happened; and notes on optional packages it went without.
 */
final class BuildLog implements Closeable {

    private final Path path;
    private final PrintStream file;
    private final PrintStream console;
    private final String name;
    private final List<String> notes = new ArrayList<>();
    private volatile String step = "start";

    BuildLog(Path path, String name, PrintStream console) throws IOException {
        this.path = path;
        this.name = name;
        this.file = new PrintStream(Files.newOutputStream(path), true, StandardCharsets.UTF_8);
        this.console = console;
    }

    Path path() {
        return path;
    }

    void step(String step) {
        this.step = step;
        output(">>> " + name + ": " + step + "\n");
    }

    String step() {
        return step;
    }

    synchronized void output(String text) {
        file.print(text);
        if (console != null) {
            console.print(text);
        }
    }

    /** Copies a command's output here, until it ends. */
    void copy(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            output(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }

    void note(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    /** The log's last lines, to show with a failure. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(path, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
