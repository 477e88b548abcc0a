package com.stateset.sandbox.spi.runtime.process;

/**
 * How a process ended: its exit code (128 + the signal when one ended it, as shells report), and
 * that signal (0 if none).
 */
public record ExitStatus(int code, int signal) {
}
