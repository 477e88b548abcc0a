/**
 * Background processes: commands that run detached from the request that started them, whose
 * output the runtime keeps (a bounded log per process) for clients to attach to from any offset,
 * and which outlive the server's connection to the sandbox. See {@link
 * com.stateset.sandbox.spi.runtime.process.SandboxProcesses}.
 */
package com.stateset.sandbox.spi.runtime.process;
