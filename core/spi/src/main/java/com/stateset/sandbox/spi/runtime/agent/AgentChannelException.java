package com.stateset.sandbox.spi.runtime.agent;

import com.stateset.sandbox.spi.Experimental;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;

/**
 * The channel to a sandbox's agent ended, broke the protocol, or never answered: nothing more runs
 * through it, and a runtime falls back to the engine's exec.
 */
@Experimental
public class AgentChannelException extends SandboxRuntimeException {

    private final boolean commandSent;

    public AgentChannelException(String message) {
        this(message, null, true);
    }

    public AgentChannelException(String message, Throwable cause) {
        this(message, cause, true);
    }

    private AgentChannelException(String message, Throwable cause, boolean commandSent) {
        super(message, cause);
        this.commandSent = commandSent;
    }

    /** The channel had ended before a command was given to it: that command never reached the agent. */
    static AgentChannelException beforeSending(String message) {
        return new AgentChannelException(message, null, false);
    }

    /**
     * Whether the command in hand may have reached the agent (and so may have run, in part): only
     * one that cannot have may be run another way.
     */
    public boolean commandSent() {
        return commandSent;
    }
}
