package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.FileOperations;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Listing, finding, making, moving, copying and deleting files in a running sandbox. Paths are
 * checked as the file API checks them ({@link FilePaths}); the work is then done inside the
 * sandbox, as its user, by the image's own tools (GNU find, coreutils, from the system's
 * directories: never ones the sandbox could have put on its PATH), which first resolve the
 * directories involved and refuse any that a link leads out of the writable areas, so that a
 * caller is not surprised by where a path leads. That refusal is not the security boundary (the
 * sandbox user could do as much with a command; the container is the boundary). Moves and copies
 * take links as links, never what they point to. Whatever the tools print is read as untrusted,
 * within fixed bounds.
 */
public final class SandboxFiles {

    /** Entries in one answer; {@code truncated} says when there were more. */
    static final int MAX_ENTRIES = 10_000;
    /** Entries a glob looks at before giving up on finding more matches. */
    private static final int MAX_SCANNED = 100_000;
    /** Matching steps a glob may take over what it scans (see {@link Glob#cost}): about a second. */
    private static final long MAX_GLOB_STEPS = 200_000_000;
    private static final long MAX_OUTPUT = 16L << 20;
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration COPY = Duration.ofMinutes(2);
    private static final int FIELDS = 6;

    // Exit codes of the scripts, read by check().
    private static final int MISSING = 10;
    private static final int OUTSIDE = 11;
    private static final int NOT_A_DIRECTORY = 12;
    private static final int EXISTS = 13;
    private static final int NOT_EMPTY = 14;
    private static final int DESTINATION_OUTSIDE = 15;

    /** Shared by every script: is the (resolved) path $1 inside one of $ROOTS (colon-separated)? */
    private static final String INSIDE = """
            inside() {
              old=$IFS; IFS=:
              for r in $ROOTS; do case "$1/" in "$r"/*) IFS=$old; return 0 ;; esac; done
              IFS=$old; return 1
            }
            """;

    /** $1 directory, $2 depth ("" for any), $3 most entries: type, size, mtime, mode, link, path, NUL after each. */
    private static final String LIST = INSIDE + """
            real=$(realpath -e -- "$1") || exit 10
            inside "$real" || exit 11
            [ -d "$real" ] || exit 12
            find "$real" -mindepth 1 ${2:+-maxdepth "$2"} -printf '%y\\0%s\\0%T@\\0%m\\0%l\\0%P\\0' 2>/dev/null \\
              | head -z -n "$(( $3 * 6 ))"
            """;

    /** $1 path, $2 "1" to make parents too. */
    private static final String MKDIR = INSIDE + """
            real=$(realpath -m -- "$1") || exit 11
            inside "$real" || exit 11
            if [ -d "$1" ]; then [ "$2" = 1 ] && exit 0; exit 13; fi
            [ -e "$1" ] || [ -L "$1" ] && exit 13
            if [ "$2" = 1 ]; then mkdir -p -- "$1"; else
              [ -d "$(dirname -- "$1")" ] || exit 10
              mkdir -- "$1"
            fi
            """;

    /** $1 source, $2 destination, $3 "1" to replace the destination, $4 the tool ("mv" or "cp"). */
    private static final String TRANSFER = INSIDE + """
            from=$(realpath -e -- "$(dirname -- "$1")") || exit 10
            inside "$from" || exit 11
            [ -e "$1" ] || [ -L "$1" ] || exit 10
            to=$(realpath -m -- "$(dirname -- "$2")") && inside "$to" || exit 15
            if [ -e "$2" ] || [ -L "$2" ]; then [ "$3" = 1 ] || exit 13; fi
            mkdir -p -- "$(dirname -- "$2")" || exit 1
            if [ "$4" = mv ]; then mv -T -f -- "$1" "$2"; else
              [ -e "$2" ] && [ -d "$1" ] && [ ! -L "$1" ] && rm -rf -- "$2"
              cp -R -P -T -f --preserve=mode,timestamps -- "$1" "$2"
            fi
            """;

    /** $1 path, $2 "1" to delete a directory with what it holds. */
    private static final String DELETE = INSIDE + """
            parent=$(realpath -e -- "$(dirname -- "$1")") || exit 10
            inside "$parent" || exit 11
            [ -e "$1" ] || [ -L "$1" ] || exit 10
            if [ -d "$1" ] && [ ! -L "$1" ]; then
              if [ "$2" = 1 ]; then rm -rf -- "$1"; else rmdir -- "$1" 2>/dev/null || exit 14; fi
            else rm -f -- "$1"; fi
            """;

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;

    public SandboxFiles(SandboxService sandboxes, SandboxRuntime runtime) {
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    public FileOperations.Listing list(Caller caller, String id, String rawPath, boolean recursive) {
        String path = FilePaths.resolveDirectory("path", rawPath == null ? SandboxRuntime.WORKSPACE : rawPath,
                runtime.writableDirectories());
        Output out = run(sandboxes.requireRunning(caller, id), LIST, QUICK, "path", path, recursive ? "" : "1",
                Integer.toString(MAX_ENTRIES + 1));
        List<FileOperations.Entry> entries = entries(path, out.stdout(), MAX_ENTRIES + 1);
        boolean truncated = entries.size() > MAX_ENTRIES || out.cut();
        return new FileOperations.Listing(path, entries.size() > MAX_ENTRIES ? entries.subList(0, MAX_ENTRIES) : entries,
                truncated);
    }

    public FileOperations.Matches glob(Caller caller, String id, FileOperations.Glob request) {
        if (request == null || request.pattern() == null || request.pattern().isBlank()) {
            throw DomainException.validation("pattern", "required, for example **/*.py");
        }
        caller.requireOwnOrg(request.orgId());
        List<String> roots = runtime.writableDirectories();
        String absolute = request.pattern().startsWith("/") ? request.pattern()
                : SandboxRuntime.WORKSPACE + "/" + request.pattern();
        // The directories before the first glob character are where the search starts.
        List<String> segments = Arrays.stream(absolute.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).toList();
        int literal = 0;
        while (literal < segments.size() - 1 && !Glob.isPattern(segments.get(literal))) {
            literal++;
        }
        String base = FilePaths.resolveDirectory("pattern", "/" + String.join("/", segments.subList(0, literal)), roots);
        List<String> rest = segments.subList(literal, segments.size());
        Glob glob = Glob.of("pattern", String.join("/", rest));
        String depth = rest.stream().anyMatch(s -> s.contains("**")) ? "" : Integer.toString(rest.size());
        Output out = run(sandboxes.requireRunning(caller, id), LIST, QUICK, "pattern", base, depth,
                Integer.toString(MAX_SCANNED));
        List<FileOperations.Entry> scanned = entries(base, out.stdout(), MAX_SCANNED);
        List<FileOperations.Entry> matches = new ArrayList<>();
        long steps = 0;
        boolean spent = false;
        for (FileOperations.Entry entry : scanned) {
            String relative = entry.path().substring(base.length() + 1);
            steps += glob.cost(relative.length());
            if (steps > MAX_GLOB_STEPS) {
                spent = true;
                break;
            }
            if (glob.matches(relative)) {
                matches.add(entry);
                if (matches.size() > MAX_ENTRIES) {
                    break;
                }
            }
        }
        boolean truncated = matches.size() > MAX_ENTRIES || scanned.size() >= MAX_SCANNED || spent || out.cut();
        return new FileOperations.Matches(request.pattern(), matches.size() > MAX_ENTRIES ? matches.subList(0, MAX_ENTRIES)
                : matches, truncated);
    }

    public FileOperations.Done mkdir(Caller caller, String id, FileOperations.Mkdir request) {
        if (request == null) {
            throw DomainException.validation("path", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String path = FilePaths.resolve("path", request.path(), runtime.writableDirectories());
        boolean recursive = !Boolean.FALSE.equals(request.recursive());
        run(sandboxes.requireRunning(caller, id), MKDIR, QUICK, "path", path, recursive ? "1" : "0");
        return new FileOperations.Done(true, path);
    }

    public FileOperations.Transferred move(Caller caller, String id, FileOperations.Transfer request) {
        return transfer(caller, id, request, "mv");
    }

    public FileOperations.Transferred copy(Caller caller, String id, FileOperations.Transfer request) {
        return transfer(caller, id, request, "cp");
    }

    private FileOperations.Transferred transfer(Caller caller, String id, FileOperations.Transfer request, String tool) {
        if (request == null) {
            throw DomainException.validation("source", "required");
        }
        caller.requireOwnOrg(request.orgId());
        List<String> roots = runtime.writableDirectories();
        String source = FilePaths.resolve("source", request.source(), roots);
        String destination = FilePaths.resolve("destination", request.destination(), roots);
        if (destination.equals(source) || destination.startsWith(source + "/")) {
            throw DomainException.validation("destination", "must not be the source or lie inside it");
        }
        boolean overwrite = Boolean.TRUE.equals(request.overwrite());
        run(sandboxes.requireRunning(caller, id), TRANSFER, COPY, "source", source, destination, overwrite ? "1" : "0", tool);
        return new FileOperations.Transferred(true, source, destination);
    }

    public FileOperations.Done delete(Caller caller, String id, FileOperations.Delete request) {
        if (request == null) {
            throw DomainException.validation("path", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String path = FilePaths.resolve("path", request.path(), runtime.writableDirectories());
        run(sandboxes.requireRunning(caller, id), DELETE, COPY, "path", path,
                Boolean.TRUE.equals(request.recursive()) ? "1" : "0");
        return new FileOperations.Done(true, path);
    }

    /** What a script printed, and whether it printed more than is read ({@code cut}). */
    private record Output(byte[] stdout, boolean cut) {
    }

    /** Runs {@code script} with {@code args} as $1, $2...; a failure becomes the caller's error, naming {@code field}. */
    private Output run(SandboxRecord sandbox, String script, Duration timeout, String field, String... args) {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "files"));
        argv.addAll(List.of(args));
        Map<String, String> env = Map.of("ROOTS", String.join(":", runtime.writableDirectories()), "LC_ALL", "C",
                "PATH", SandboxRuntime.SYSTEM_PATH);
        CapturedOutput output = new CapturedOutput(MAX_OUTPUT, 4096);
        ExecResult result;
        try {
            result = runtime.exec(sandbox.id(), new ExecSpec(argv, env, "/", timeout), output);
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        }
        if (result.timedOut()) {
            throw new DomainException(ErrorKind.TIMED_OUT, ErrorCodes.TIMEOUT,
                    field + ": the operation took longer than " + timeout.toSeconds() + " s",
                    Map.of("field", field));
        }
        String path = args[0];
        switch (result.exitCode()) {
            case 0 -> {
                return new Output(output.stdout.bytes(), output.stdout.truncated());
            }
            case MISSING -> throw DomainException.notFound(ErrorCodes.FILE_NOT_FOUND, path + ": no such file or directory");
            case OUTSIDE -> throw DomainException.validation(field, path + " leads out of the writable areas "
                    + runtime.writableDirectories());
            case DESTINATION_OUTSIDE -> throw DomainException.validation("destination", args[1]
                    + " leads out of the writable areas " + runtime.writableDirectories());
            // The request is well formed; what the sandbox holds at the path is not what it needs.
            case NOT_A_DIRECTORY -> throw DomainException.conflict(field, path + " is not a directory");
            case EXISTS -> {
                boolean transfer = field.equals("source");
                throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.CONFLICT,
                        (transfer ? args[1] : path) + " already exists"
                        + (transfer ? "; pass overwrite: true to replace it" : ""),
                        Map.of("field", transfer ? "destination" : field));
            }
            case NOT_EMPTY -> throw DomainException.validation("recursive", path
                    + " is a directory that is not empty; pass recursive: true to delete it with what it holds");
            default -> throw DomainException.validation(field, "failed in the sandbox (exit " + result.exitCode() + "): "
                    + firstLine(output.stderr.text()));
        }
    }

    /**
     * At most {@code limit} entries from LIST's output (six NUL-ended fields each); complete ones
     * only, since output past the cap is cut. Reads as it goes, so no more than the entries it
     * keeps is ever held, whatever the sandbox printed.
     */
    private static List<FileOperations.Entry> entries(String directory, byte[] out, int limit) {
        List<FileOperations.Entry> entries = new ArrayList<>();
        String[] fields = new String[FIELDS];
        int field = 0;
        int start = 0;
        for (int i = 0; i < out.length && entries.size() < limit; i++) {
            if (out[i] != 0) {
                continue;
            }
            fields[field++] = new String(out, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            if (field == FIELDS) {
                field = 0;
                String relative = fields[5];
                String type = switch (fields[0]) {
                    case "f" -> "file";
                    case "d" -> "directory";
                    case "l" -> "symlink";
                    default -> "other";
                };
                entries.add(new FileOperations.Entry(relative.substring(relative.lastIndexOf('/') + 1),
                        directory + "/" + relative, type, number(fields[1]), modified(fields[2]), fields[3],
                        type.equals("symlink") ? fields[4] : null));
            }
        }
        return entries;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static final java.util.regex.Pattern SECONDS = java.util.regex.Pattern.compile("^[0-9]{1,12}(\\.[0-9]{0,10})?$");

    /** {@code find}'s seconds since the epoch with a fraction, as an ISO time; null for anything else. */
    private static String modified(String seconds) {
        return SECONDS.matcher(seconds).matches() ? Times.iso(new BigDecimal(seconds).movePointRight(3).longValue()) : null;
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("no message");
        line = line.replaceAll("\\p{Cntrl}", "?");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
