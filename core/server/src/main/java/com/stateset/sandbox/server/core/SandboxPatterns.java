package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.errors.ApiException;
import java.util.List;
import java.util.regex.Pattern;

/** A secret's {@code allowed_sandbox_patterns}: globs over sandbox ids, {@code *} any run of characters, {@code ?} one. */
final class SandboxPatterns {

    static final List<String> EVERY_SANDBOX = List.of("*");
    private static final int MAX_PATTERNS = 20;
    private static final Pattern GLOB = Pattern.compile("^[A-Za-z0-9_*?-]{1,100}$");

    private SandboxPatterns() {
    }

    /** The patterns a request gives; none given means every sandbox of the organization. */
    static List<String> of(String field, List<String> patterns) {
        if (patterns == null) {
            return EVERY_SANDBOX;
        }
        if (patterns.isEmpty() || patterns.size() > MAX_PATTERNS) {
            throw ApiException.validation(field, "1 to " + MAX_PATTERNS + " patterns; leave it out for every sandbox");
        }
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern == null || !GLOB.matcher(pattern).matches()) {
                throw ApiException.validation(field + "[" + i + "]",
                        "a glob over sandbox ids: 1 to 100 of A-Z a-z 0-9 _ - and the wildcards * and ?");
            }
        }
        return List.copyOf(patterns);
    }

    static boolean allow(List<String> patterns, String sandboxId) {
        return patterns.stream().anyMatch(pattern -> regex(pattern).matcher(sandboxId).matches());
    }

    // Patterns hold only letters, digits, _ and - besides the wildcards: nothing else needs escaping.
    private static Pattern regex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : String.valueOf(c));
        }
        return Pattern.compile(regex.toString());
    }
}
