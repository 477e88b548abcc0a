package com.stateset.sandbox.docker;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.stateset.sandbox.spi.runtime.RuntimeMisconfiguredException;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxRejectedException;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import java.io.IOException;
import java.util.function.Supplier;

/** Turns docker-java failures into the SPI's exceptions. */
final class DockerErrors {

    private DockerErrors() {
    }

    /** Runs a call about one sandbox; a missing container becomes {@link SandboxMissingException}. */
    static <T> T onSandbox(String sandboxId, Supplier<T> call) {
        try {
            return call.get();
        } catch (NotFoundException e) {
            throw new SandboxMissingException(sandboxId);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    static RuntimeException translate(RuntimeException e) {
        if (e instanceof SandboxRuntimeException) {
            return e;
        }
        if (e instanceof DockerException docker && docker.getHttpStatus() == 400) {
            // The engine refuses the request as such: asking again cannot help.
            String reason = firstLine(docker.getMessage());
            if (reason.contains("CPUs")) {
                return new SandboxRejectedException("cpus", "more CPUs than the Docker engine's host has: " + reason, e);
            }
            return new RuntimeMisconfiguredException("the Docker engine refuses the request as configured: " + reason, e);
        }
        if (e instanceof DockerException docker) {
            return new SandboxRuntimeException("Docker engine refused the request (HTTP "
                    + docker.getHttpStatus() + "): " + firstLine(docker.getMessage()), e);
        }
        if (hasCause(e, IOException.class)) {
            return new RuntimeUnavailableException("Docker engine unreachable: " + firstLine(rootMessage(e)), e);
        }
        return e;
    }

    static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline);
    }
}
