package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.stateset.sandbox.api.ArtifactRequests;
import com.stateset.sandbox.api.ArtifactView;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Artifacts: files of a sandbox kept in the object store, with signed download URLs. */
public final class Artifacts {

    private final Transport http;

    Artifacts(Transport http) {
        this.http = http;
    }

    /** Stores a regular file of the workspace under {@code remotePath} (null: its path), kept for {@code keep} (null: until deleted). */
    public ArtifactView upload(String sandboxId, String path, String remotePath, Duration keep) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/artifacts/upload")
                .json(new ArtifactRequests.Upload(path, remotePath, null, keep == null ? null : keep.toSeconds(), null, null)),
                ArtifactView.class);
    }

    /** Writes an artifact into the sandbox at {@code targetPath}. */
    public ArtifactView.Downloaded download(String sandboxId, String artifactId, String targetPath) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/artifacts/download")
                .json(new ArtifactRequests.Download(artifactId, null, targetPath, null)), ArtifactView.Downloaded.class);
    }

    /** A URL that downloads it with a plain GET and no credential, for {@code valid} (at most 7 days). */
    public ArtifactView.Url url(String artifactId, Duration valid) {
        return http.json(new Transport.Call("GET", "/artifacts/" + segment(artifactId) + "/url").query("expires_in", valid.toSeconds()),
                ArtifactView.Url.class);
    }

    /** The organization's live artifacts (of one sandbox, unless null), newest first. */
    public List<ArtifactView> list(String sandboxId) {
        return http.json(new Transport.Call("GET", "/artifacts").query("sandbox_id", sandboxId), ArtifactView.Listing.class).artifacts();
    }

    public ArtifactView get(String artifactId) {
        return http.json(new Transport.Call("GET", "/artifacts/" + segment(artifactId)), ArtifactView.class);
    }

    public void delete(String artifactId) {
        http.json(new Transport.Call("DELETE", "/artifacts/" + segment(artifactId)), Map.class);
    }
}
