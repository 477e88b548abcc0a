package com.stateset.sandbox.spi.runtime.process;

import com.stateset.sandbox.spi.runtime.ExecOutput;

/**
 * Where an attachment's output goes, on a thread of the runtime's: {@link #from} first, with the
 * offset the bytes that follow start at, then bytes in order, each call's bytes following the
 * last's; {@link #from} again if bytes were dropped from the process's log before they could be
 * sent (a reader slower than the process), with the offset the output resumes at. A sink that
 * blocks holds up the sandbox's other commands: it should hand the bytes on.
 */
public interface ProcessOutput extends ExecOutput {

    void from(long offset);
}
