package com.stateset.sandbox.spi.runtime;

/** The state of a sandbox in its runtime. */
public enum RuntimeState {
    /** Created, never started. */
    CREATED,
    /** Accepting commands. */
    RUNNING,
    /** Its processes ended (stopped, crashed or killed). */
    EXITED,
    /** Being torn down, or in a state the runtime does not map. */
    OTHER
}
