package com.stateset.sandbox.server.archive;

import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Which workspace entries a checkpoint takes: {@code include_paths} (all when empty) minus
 * {@code exclude_paths}. Each is a path relative to the workspace (or absolute under it) or a glob;
 * it selects what it names and everything below. Include paths are anchored at the workspace; as in
 * {@code .gitignore}, an exclude pattern without a slash ({@code *.log}, {@code node_modules})
 * matches a name at any depth, one with a slash ({@code src/*.py}) from the workspace down.
 */
public final class PathSelection {

    private static final int MAX_PATTERNS = 100;
    private static final int MAX_PATTERN_CHARS = 1024;

    private final List<Matcher> include;
    private final List<Matcher> exclude;

    /** A glob, matched against a whole relative path or, without a slash, against one name in it. */
    private record Matcher(PathMatcher glob, boolean anyDepth) {
    }

    private PathSelection(List<Matcher> include, List<Matcher> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    public static PathSelection of(List<String> include, List<String> exclude) {
        return new PathSelection(matchers("include_paths", include, false), matchers("exclude_paths", exclude, true));
    }

    /** Whether the entry at {@code path} (relative to the workspace) belongs in the checkpoint. */
    public boolean selects(String path) {
        return (include.isEmpty() || matchesOrIsBelow(include, path)) && !matchesOrIsBelow(exclude, path);
    }

    private static boolean matchesOrIsBelow(List<Matcher> matchers, String path) {
        for (int end = path.indexOf('/'); ; end = path.indexOf('/', end + 1)) {
            Path prefix = Path.of(end < 0 ? path : path.substring(0, end));
            for (Matcher matcher : matchers) {
                if (matcher.glob().matches(matcher.anyDepth() ? prefix.getFileName() : prefix)) {
                    return true;
                }
            }
            if (end < 0) {
                return false;
            }
        }
    }

    private static List<Matcher> matchers(String field, List<String> patterns, boolean namesAtAnyDepth) {
        if (patterns == null) {
            return List.of();
        }
        if (patterns.size() > MAX_PATTERNS) {
            throw DomainException.validation(field, "at most " + MAX_PATTERNS + " paths");
        }
        List<Matcher> matchers = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            String name = field + "[" + i + "]";
            String pattern = patterns.get(i);
            if (pattern == null || pattern.isBlank() || pattern.length() > MAX_PATTERN_CHARS
                    || pattern.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw DomainException.validation(name, "must be a path or glob of 1 to " + MAX_PATTERN_CHARS
                        + " characters without control characters");
            }
            String relative = relative(name, pattern);
            try {
                boolean anyDepth = namesAtAnyDepth && !pattern.contains("/");
                matchers.add(new Matcher(FileSystems.getDefault().getPathMatcher("glob:" + relative), anyDepth));
            } catch (PatternSyntaxException e) {
                throw DomainException.validation(name, "not a valid glob: " + e.getDescription());
            }
        }
        return List.copyOf(matchers);
    }

    private static String relative(String field, String pattern) {
        String path = pattern;
        if (path.startsWith("/")) {
            if (!path.equals(SandboxRuntime.WORKSPACE) && !path.startsWith(SandboxRuntime.WORKSPACE + "/")) {
                throw DomainException.validation(field, "must lie inside " + SandboxRuntime.WORKSPACE);
            }
            path = path.substring(SandboxRuntime.WORKSPACE.length());
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw DomainException.validation(field, "must not contain '..'");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return segments.isEmpty() ? "**" : String.join("/", segments);
    }
}
