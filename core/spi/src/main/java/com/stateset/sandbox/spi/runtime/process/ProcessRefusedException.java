package com.stateset.sandbox.spi.runtime.process;

import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;

/** The sandbox cannot do this with its background processes; the message says why. */
public class ProcessRefusedException extends SandboxRuntimeException {

    public ProcessRefusedException(String message) {
        super(message);
    }
}
