package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.errors.DomainException;
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
            throw DomainException.validation(field, "1 to " + MAX_PATTERNS + " patterns; leave it out for every sandbox");
        }
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern == null || !GLOB.matcher(pattern).matches()) {
                throw DomainException.validation(field + "[" + i + "]",
                        "a glob over sandbox ids: 1 to 100 of A-Z a-z 0-9 _ - and the wildcards * and ?");
            }
        }
        return List.copyOf(patterns);
    }

    static boolean allow(List<String> patterns, String sandboxId) {
        return patterns.stream().anyMatch(pattern -> matches(pattern, sandboxId));
    }

    /**
     * Glob matching in linear time (the classic two-pointer walk that backtracks only to the last
     * {@code *}): a pattern a tenant chose must never cost more than its length times the id's.
     */
    static boolean matches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
