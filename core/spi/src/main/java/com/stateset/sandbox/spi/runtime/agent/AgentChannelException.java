package com.stateset.sandbox.spi.runtime.agent;

import com.stateset.sandbox.spi.Experimental;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;

/**
 * The channel to a sandbox's agent ended, broke the protocol, or never answered: nothing more runs
 * through it, and a runtime falls back to the engine's exec.
 */
@Experimental
public class AgentChannelException extends SandboxRuntimeException {

    public AgentChannelException(String message) {
        super(message);
    }

    public AgentChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
