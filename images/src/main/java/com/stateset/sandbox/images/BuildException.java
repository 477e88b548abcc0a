package com.stateset.sandbox.images;

/** A template build that failed, and why (reported in the summary; the details are in its log). */
final class BuildException extends RuntimeException {

    BuildException(String message) {
        super(message);
    }
}
