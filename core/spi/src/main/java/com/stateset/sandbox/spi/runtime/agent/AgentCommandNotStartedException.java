package com.stateset.sandbox.spi.runtime.agent;

import com.stateset.sandbox.spi.Experimental;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;

/**
 * The agent could not start a command (no such program, no pid left, ...), and says why: nothing
 * ran. The channel stays open. A runtime answers as a shell would (the reason on standard error,
 * {@link AgentChannel#CANNOT_RUN}) unless the reason is one it handles itself.
 */
@Experimental
public class AgentCommandNotStartedException extends SandboxRuntimeException {

    public AgentCommandNotStartedException(String reason) {
        super(reason);
    }
}
