package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.errors.DomainException;
import java.util.ArrayList;
import java.util.List;

/**
 * A glob over slash-separated paths, as shells with {@code globstar} read it: {@code *} and
 * {@code ?} stay within one name, {@code **} spans any number of directories ({@code **}{@code /}
 * also none, so {@code **}{@code /*.py} matches {@code app.py}), {@code [abc]}, {@code [a-z]} and
 * {@code [!abc]} are classes, {@code {js,ts}} alternatives. Matching walks the pattern and the path
 * together once (no backtracking), so its cost is at most the pattern's length times the path's,
 * whatever the pattern: {@link #cost} says how much, for callers that bound their work.
 */
final class Glob {

    static final int MAX_CHARS = 256;
    private static final int MAX_ALTERNATIVES = 64;

    private enum Kind { LITERAL, ONE, CLASS, STAR, GLOBSTAR, DIRECTORIES }

    /** One element of a pattern: a character, a class, or a wildcard. */
    private record Token(Kind kind, char literal, String members, boolean negated) {

        boolean takes(char c) {
            return switch (kind) {
                case LITERAL -> c == literal;
                case ONE -> c != '/';
                case CLASS -> c != '/' && negated != inClass(c);
                default -> false;
            };
        }

        private boolean inClass(char c) {
            for (int i = 0; i < members.length(); i++) {
                if (i + 2 < members.length() && members.charAt(i + 1) == '-') {
                    if (c >= members.charAt(i) && c <= members.charAt(i + 2)) {
                        return true;
                    }
                    i += 2;
                } else if (members.charAt(i) == c) {
                    return true;
                }
            }
            return false;
        }
    }

    private final List<List<Token>> alternatives;

    private Glob(List<List<Token>> alternatives) {
        this.alternatives = alternatives;
    }

    static Glob of(String field, String glob) {
        if (glob.length() > MAX_CHARS) {
            throw DomainException.validation(field, "at most " + MAX_CHARS + " characters");
        }
        List<List<Token>> alternatives = new ArrayList<>();
        for (String alternative : expand(field, glob)) {
            alternatives.add(tokens(field, alternative));
        }
        return new Glob(alternatives);
    }

    /** Whether a glob character appears in {@code segment}. */
    static boolean isPattern(String segment) {
        return segment.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    boolean matches(String path) {
        for (List<Token> tokens : alternatives) {
            if (matches(tokens, path)) {
                return true;
            }
        }
        return false;
    }

    /** The steps {@link #matches} takes at most for a path of {@code length} characters. */
    long cost(int length) {
        return alternatives.stream().mapToLong(tokens -> (long) (tokens.size() + 1) * (length + 1)).sum();
    }

    /** Which prefixes of the path the pattern's prefix matches, one token further at a time. */
    private static boolean matches(List<Token> tokens, String path) {
        int n = path.length();
        boolean[] matched = new boolean[n + 1];
        matched[0] = true;
        for (Token token : tokens) {
            boolean[] next = new boolean[n + 1];
            switch (token.kind()) {
                case STAR -> {
                    next[0] = matched[0];
                    for (int j = 1; j <= n; j++) {
                        next[j] = matched[j] || next[j - 1] && path.charAt(j - 1) != '/';
                    }
                }
                case GLOBSTAR -> {
                    next[0] = matched[0];
                    for (int j = 1; j <= n; j++) {
                        next[j] = matched[j] || next[j - 1];
                    }
                }
                case DIRECTORIES -> {
                    // Nothing, or anything that ends with a slash.
                    boolean before = false;
                    for (int j = 0; j <= n; j++) {
                        next[j] = matched[j] || before && path.charAt(j - 1) == '/';
                        before |= matched[j];
                    }
                }
                default -> {
                    for (int j = 0; j < n; j++) {
                        next[j + 1] = matched[j] && token.takes(path.charAt(j));
                    }
                }
            }
            matched = next;
        }
        return matched[n];
    }

    private static List<Token> tokens(String field, String glob) {
        List<Token> tokens = new ArrayList<>();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                boolean wholeSegment = (i == 0 || glob.charAt(i - 1) == '/') && (i + 2 == glob.length() || glob.charAt(i + 2) == '/');
                if (wholeSegment && i + 2 < glob.length()) {
                    tokens.add(new Token(Kind.DIRECTORIES, c, null, false));
                    i += 2; // the slash belongs to the directories
                } else {
                    tokens.add(new Token(Kind.GLOBSTAR, c, null, false));
                    i++;
                }
            } else if (c == '*') {
                tokens.add(new Token(Kind.STAR, c, null, false));
            } else if (c == '?') {
                tokens.add(new Token(Kind.ONE, c, null, false));
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 2);
                if (end < 0) {
                    throw DomainException.validation(field, "'[' without its ']'");
                }
                String body = glob.substring(i + 1, end);
                boolean negated = body.startsWith("!") || body.startsWith("^");
                tokens.add(new Token(Kind.CLASS, c, negated ? body.substring(1) : body, negated));
                i = end;
            } else {
                tokens.add(new Token(Kind.LITERAL, c, null, false));
            }
        }
        return tokens;
    }

    /** The pattern with its {@code {a,b}} alternatives spelled out, nested ones too. */
    private static List<String> expand(String field, String glob) {
        int open = glob.indexOf('{');
        if (open < 0) {
            return List.of(glob);
        }
        int depth = 0;
        List<Integer> commas = new ArrayList<>();
        for (int i = open; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == ',' && depth == 1) {
                commas.add(i);
            } else if (c == '}' && --depth == 0) {
                List<String> expanded = new ArrayList<>();
                int from = open + 1;
                commas.add(i);
                for (int comma : commas) {
                    String choice = glob.substring(0, open) + glob.substring(from, comma) + glob.substring(i + 1);
                    expanded.addAll(expand(field, choice));
                    if (expanded.size() > MAX_ALTERNATIVES) {
                        throw DomainException.validation(field, "more than " + MAX_ALTERNATIVES + " alternatives");
                    }
                    from = comma + 1;
                }
                return expanded;
            }
        }
        throw DomainException.validation(field, "'{' without its '}'");
    }
}
