package com.stateset.sandbox.kubernetes;

import com.stateset.sandbox.spi.runtime.RuntimeMisconfiguredException;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxRejectedException;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.function.Supplier;

/** Turns fabric8 failures into the SPI's exceptions, keeping the API server's own reason. */
final class KubernetesErrors {

    private KubernetesErrors() {
    }

    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    static RuntimeException translate(RuntimeException e) {
        if (e instanceof SandboxRuntimeException) {
            return e;
        }
        if (e instanceof KubernetesClientException k8s) {
            int code = k8s.getCode();
            if (code == 0 || code == 502 || code == 503 || code == 504 || hasCause(e, IOException.class)) {
                return new RuntimeUnavailableException("Kubernetes API server unreachable: " + firstLine(rootMessage(e)), e);
            }
            String refusal = "Kubernetes API server refused the request (HTTP " + code + "): " + reason(k8s);
            // The controller's rights, the namespace's Pod Security, a spec the server refuses: the
            // same on every retry, until the operator changes the cluster or the configuration.
            // (401 is left out: a credential that expired is renewed by the client, so a retry may pass.)
            return code == 400 || code == 403 || code == 422
                    ? new RuntimeMisconfiguredException(refusal, e) : new SandboxRuntimeException(refusal, e);
        }
        if (hasCause(e, IOException.class)) {
            return new RuntimeUnavailableException("Kubernetes API server unreachable: " + firstLine(rootMessage(e)), e);
        }
        return e;
    }

    /**
     * A pod the API server would not admit: a full ResourceQuota is a lack of room for now
     * (unavailable); a LimitRange refusing its size is about what the sandbox asks for (rejected,
     * naming {@code memory} or {@code cpus}); anything else, such as RBAC or Pod Security refusing
     * the controller, is the runtime's misconfiguration.
     */
    static RuntimeException refused(KubernetesClientException e) {
        String reason = reason(e);
        if (e.getCode() == 403 && reason.contains("exceeded quota")) {
            return new RuntimeUnavailableException("the cluster has no room for the sandbox now: " + reason, e);
        }
        if (e.getCode() == 403 && reason.contains(" usage per ")) {
            String field = reason.contains(" memory ") ? "memory" : reason.contains(" cpu ") ? "cpus" : "resources";
            return new SandboxRejectedException(field, "the cluster refused the sandbox: " + reason, e);
        }
        return translate(e);
    }

    static boolean isNotFound(KubernetesClientException e) {
        return e.getCode() == 404;
    }

    static boolean isConflict(KubernetesClientException e) {
        return e.getCode() == 409;
    }

    /** The API server's message (a quota or LimitRange refusal names its limits there). */
    static String reason(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
            return firstLine(status.getMessage());
        }
        return firstLine(e.getMessage());
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
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
