package com.stateset.sandbox.spi.runtime.process;

import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;

/** The sandbox keeps no such background process. */
public class ProcessNotFoundException extends SandboxRuntimeException {

    public ProcessNotFoundException(String processId) {
        super("no background process " + processId);
    }
}
