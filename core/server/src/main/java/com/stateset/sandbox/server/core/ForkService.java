package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.CheckpointRequests;
import com.stateset.sandbox.api.CheckpointView;
import com.stateset.sandbox.api.CreateSandboxRequest;
import com.stateset.sandbox.api.ForkRequests;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.SandboxRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox copied into a new one: its workspace checkpointed, and a sandbox of the same template,
 * image and network started from the checkpoint with the caller's overrides. All or nothing: if the
 * new sandbox cannot start, the checkpoint is deleted again. Processes, {@code /tmp} and the home
 * directory do not carry over; the workspace and (by default) the environment do.
 */
public final class ForkService {

    private static final Logger LOG = LoggerFactory.getLogger(ForkService.class);

    private final SandboxService sandboxes;
    private final CheckpointService checkpoints;

    public ForkService(SandboxService sandboxes, CheckpointService checkpoints) {
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
    }

    public ForkRequests.Forked fork(Caller caller, String id, ForkRequests.Fork request) {
        ForkRequests.Fork fork = request == null ? new ForkRequests.Fork(null, null, null, null, null, null, null, null) : request;
        caller.requireOwnOrg(fork.orgId());
        String isolation = fork.isolation() == null ? null : sandboxes.isolation("isolation", fork.isolation());
        Copy copy = copy(caller, id, fork.cpus(), fork.memory(), fork.timeoutSeconds(), isolation, fork.includeEnv(),
                fork.checkpointName() == null ? "fork of " + id : fork.checkpointName(), fork.checkpointDescription());
        return new ForkRequests.Forked(id, copy.sandbox().id(), copy.checkpointId(), copy.sandbox());
    }

    public ForkRequests.Promoted promote(Caller caller, String id, ForkRequests.Promote request) {
        if (request == null || request.targetIsolation() == null) {
            throw DomainException.validation("target_isolation", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String isolation = sandboxes.isolation("target_isolation", request.targetIsolation());
        Copy copy = copy(caller, id, request.cpus(), request.memory(), request.timeoutSeconds(), isolation,
                request.includeEnv(), request.checkpointName() == null ? "promotion of " + id + " to " + isolation
                        : request.checkpointName(), request.checkpointDescription());
        boolean stop = !Boolean.FALSE.equals(request.stopSource());
        if (stop) {
            sandboxes.stop(caller, id);
        }
        return new ForkRequests.Promoted(id, copy.sandbox().id(), copy.checkpointId(), isolation, stop, copy.sandbox());
    }

    private record Copy(String checkpointId, SandboxView sandbox) {
    }

    private Copy copy(Caller caller, String id, String cpus, String memory, Integer timeoutSeconds, String isolation,
            Boolean includeEnv, String checkpointName, String checkpointDescription) {
        SandboxRecord source = sandboxes.requireRunning(caller, id);
        CheckpointView checkpoint = checkpoints.create(caller, id, new CheckpointRequests.Create(checkpointName,
                checkpointDescription, null, null, !Boolean.FALSE.equals(includeEnv), null, null));
        // The source's isolation where it is still offered, else the runtime's default.
        String inherited = sandboxes.offers(source.isolation()) ? source.isolation() : null;
        CreateSandboxRequest create = new CreateSandboxRequest(source.template(), cpus == null ? source.cpus() : cpus,
                memory == null ? source.memory() : memory, timeoutSeconds, null, null, checkpoint.id(), null, null,
                source.network(), isolation == null ? inherited : isolation, source.image(), null);
        try {
            return new Copy(checkpoint.id(), checkpoints.fork(caller, create));
        } catch (RuntimeException e) {
            try {
                checkpoints.delete(caller, checkpoint.id());
            } catch (RuntimeException cleanup) {
                LOG.warn("deleting checkpoint {} of a failed fork failed; the storage sweeper will retry: {}",
                        checkpoint.id(), cleanup.getMessage());
            }
            throw e;
        }
    }
}
