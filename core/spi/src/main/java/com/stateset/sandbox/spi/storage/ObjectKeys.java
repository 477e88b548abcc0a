package com.stateset.sandbox.spi.storage;

import java.nio.charset.StandardCharsets;

/** The rules every object key follows, so that no key can climb out of a store's root or bucket. */
public final class ObjectKeys {

    public static final int MAX_BYTES = 1024;

    private ObjectKeys() {
    }

    /**
     * Returns {@code key} if it is a valid object key, else throws {@link IllegalArgumentException}
     * saying why: it must be 1 to {@value #MAX_BYTES} bytes of UTF-8, relative (no leading
     * {@code /}), without empty, {@code .} or {@code ..} segments, backslashes or control characters.
     */
    public static String check(String key) {
        String problem = problem(key);
        if (problem != null) {
            throw new IllegalArgumentException("invalid object key: " + problem);
        }
        return key;
    }

    /** Why {@code key} is not a valid key, or null when it is. */
    public static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "empty";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "longer than " + MAX_BYTES + " bytes";
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "contains NUL or a control character";
        }
        if (key.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (key.startsWith("/")) {
            return "starts with '/'";
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "has a '" + segment + "' segment";
            }
        }
        return null;
    }

    /** Returns {@code prefix} if it is empty or a valid key followed by an optional {@code /}. */
    public static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("invalid prefix: null");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }
}
