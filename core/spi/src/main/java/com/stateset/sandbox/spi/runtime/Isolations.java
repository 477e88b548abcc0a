package com.stateset.sandbox.spi.runtime;

/**
 * Names of the isolation levels a runtime may offer (see {@link SandboxRuntime#isolations()}).
 * Clients of the API name these; a runtime offers those it can really give.
 */
public final class Isolations {

    /** An ordinary container (Linux namespaces and cgroups under the engine's default OCI runtime). */
    public static final String CONTAINER = "container";
    /** A container under gVisor: the sandbox's system calls are served by a user-space kernel. */
    public static final String GVISOR = "gvisor";
    /** A lightweight virtual machine (Firecracker, Kata). No bundled runtime offers it yet. */
    public static final String MICROVM = "microvm";
    /** A WebAssembly runtime. No bundled runtime offers it yet. */
    public static final String WASM = "wasm";

    private Isolations() {
    }
}
