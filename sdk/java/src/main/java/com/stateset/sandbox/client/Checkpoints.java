package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.stateset.sandbox.api.CheckpointRequests;
import com.stateset.sandbox.api.CheckpointView;
import java.util.List;
import java.util.Map;

/** Checkpoints: a sandbox's workspace (and optionally its environment) saved, restored, cloned, compared. */
public final class Checkpoints {

    private final Transport http;

    Checkpoints(Transport http) {
        this.http = http;
    }

    /** Saves the workspace; {@code includeEnv} saves the environment too. */
    public CheckpointView create(String sandboxId, String name, String description, boolean includeEnv) {
        return create(sandboxId, new CheckpointRequests.Create(name, description, null, null, includeEnv, null, null));
    }

    public CheckpointView create(String sandboxId, CheckpointRequests.Create request) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/checkpoints").json(request), CheckpointView.class);
    }

    /** Writes a checkpoint into a running sandbox; files created since are kept. */
    public CheckpointView.Restored restore(String sandboxId, String checkpointId, boolean files, boolean env, boolean overwrite) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/checkpoints/restore")
                .json(new CheckpointRequests.Restore(checkpointId, files, env, overwrite, null)), CheckpointView.Restored.class);
    }

    /** Copies a stored checkpoint under a new name. */
    public CheckpointView clone(String checkpointId, String name) {
        return http.json(new Transport.Call("POST", "/checkpoints/" + segment(checkpointId) + "/clone")
                .json(new CheckpointRequests.Clone(name, null, null)), CheckpointView.class);
    }

    /** What changed from the first to the second. */
    public CheckpointView.Comparison compare(String first, String second) {
        return http.json(new Transport.Call("POST", "/checkpoints/compare")
                .json(Map.of("checkpoint_id_1", first, "checkpoint_id_2", second)), CheckpointView.Comparison.class);
    }

    /** The organization's checkpoints (of one sandbox, unless null), newest first. */
    public List<CheckpointView> list(String sandboxId) {
        return http.json(new Transport.Call("GET", "/checkpoints").query("sandbox_id", sandboxId), CheckpointView.Listing.class).checkpoints();
    }

    public CheckpointView get(String checkpointId) {
        return http.json(new Transport.Call("GET", "/checkpoints/" + segment(checkpointId)), CheckpointView.class);
    }

    public void delete(String checkpointId) {
        http.json(new Transport.Call("DELETE", "/checkpoints/" + segment(checkpointId)), Map.class);
    }
}
