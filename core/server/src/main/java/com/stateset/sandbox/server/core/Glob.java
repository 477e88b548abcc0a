package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.errors.ApiException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A glob over slash-separated paths, as shells with {@code globstar} read it: {@code *} and
 * {@code ?} stay within one name, {@code **} spans any number of directories ({@code **}{@code /}
 * also none, so {@code **}{@code /*.py} matches {@code app.py}), {@code [abc]} and {@code [!abc]}
 * are classes, {@code {js,ts}} alternatives.
 */
final class Glob {

    private final Pattern regex;

    private Glob(Pattern regex) {
        this.regex = regex;
    }

    static Glob of(String field, String glob) {
        StringBuilder out = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        boolean wholeSegment = (i == 0 || glob.charAt(i - 1) == '/')
                                && (i + 2 == glob.length() || glob.charAt(i + 2) == '/');
                        if (wholeSegment && i + 2 < glob.length()) {
                            out.append("(?:[^/]*(?:/[^/]*)*/)?");
                            i += 2; // the slash is part of the optional directories
                        } else {
                            out.append(".*");
                            i++;
                        }
                    } else {
                        out.append("[^/]*");
                    }
                }
                case '?' -> out.append("[^/]");
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        throw ApiException.validation(field, "'[' without its ']'");
                    }
                    String body = glob.substring(i + 1, end);
                    boolean negated = body.startsWith("!") || body.startsWith("^");
                    String members = (negated ? body.substring(1) : body).replace("\\", "\\\\").replace("[", "\\[");
                    out.append('[').append(negated ? "^/" : "").append(members).append(']');
                    i = end;
                }
                case '{' -> {
                    braces++;
                    out.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        out.append("\\}");
                    } else {
                        braces--;
                        out.append(')');
                    }
                }
                case ',' -> out.append(braces > 0 ? "|" : ",");
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces > 0) {
            throw ApiException.validation(field, "'{' without its '}'");
        }
        try {
            return new Glob(Pattern.compile(out.toString()));
        } catch (PatternSyntaxException e) {
            throw ApiException.validation(field, "not a valid glob: " + e.getDescription());
        }
    }

    /** Whether a glob character appears in {@code segment}. */
    static boolean isPattern(String segment) {
        return segment.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    boolean matches(String relativePath) {
        return regex.matcher(relativePath).matches();
    }
}
