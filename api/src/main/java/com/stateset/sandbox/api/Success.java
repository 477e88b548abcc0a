package com.stateset.sandbox.api;

/** {@code {"success": true}}. */
public record Success(boolean success) {

    public static final Success OK = new Success(true);
}
