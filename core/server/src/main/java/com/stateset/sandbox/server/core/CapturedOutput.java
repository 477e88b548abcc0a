package com.stateset.sandbox.server.core;

import com.stateset.sandbox.spi.runtime.ExecOutput;

/** A command's output kept in memory, each stream up to its own cap. */
final class CapturedOutput implements ExecOutput {

    final OutputBuffer stdout;
    final OutputBuffer stderr;

    CapturedOutput(long stdoutCap, long stderrCap) {
        this.stdout = new OutputBuffer(stdoutCap);
        this.stderr = new OutputBuffer(stderrCap);
    }

    @Override
    public void stdout(byte[] bytes, int offset, int length) {
        stdout.append(bytes, offset, length);
    }

    @Override
    public void stderr(byte[] bytes, int offset, int length) {
        stderr.append(bytes, offset, length);
    }
}
