package com.stateset.sandbox.spi.runtime;

/**
 * Receives a command's output as it is produced. Calls for one command come from one thread at a
 * time. Throwing (for example because the client went away) kills the command.
 */
public interface ExecOutput {

    void stdout(byte[] bytes, int offset, int length);

    void stderr(byte[] bytes, int offset, int length);

    /** Discards everything. */
    ExecOutput DISCARD = new ExecOutput() {
        @Override
        public void stdout(byte[] bytes, int offset, int length) {
        }

        @Override
        public void stderr(byte[] bytes, int offset, int length) {
        }
    };
}
