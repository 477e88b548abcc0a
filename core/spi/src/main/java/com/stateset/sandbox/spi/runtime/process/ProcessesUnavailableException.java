package com.stateset.sandbox.spi.runtime.process;

import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;

/** The runtime cannot keep background processes for this sandbox (it has none, or the sandbox's agent does not answer). */
public class ProcessesUnavailableException extends SandboxRuntimeException {

    public ProcessesUnavailableException(String message) {
        super(message);
    }
}
