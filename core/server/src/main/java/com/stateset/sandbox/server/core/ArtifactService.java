package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ArtifactRequests;
import com.stateset.sandbox.api.ArtifactView;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.archive.Checksums;
import com.stateset.sandbox.server.archive.ProducerPipe;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.db.ArtifactDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.model.ArtifactRecord;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.storage.ObjectKeys;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Artifacts: files a sandbox publishes, stored under {@code artifacts/<org-id>/<remote_path>}. Paths
 * in the sandbox lie inside the workspace and must be regular files: a symbolic link is refused,
 * never followed. Bytes stream from the sandbox to the store and back without being held whole.
 * Like checkpoints, the row comes first and goes last, so rows and objects never part.
 */
public final class ArtifactService {

    private static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;
    private static final long DEFAULT_URL_SECONDS = 3600;
    private static final long MAX_URL_SECONDS = 7 * 24 * 3600;
    private static final Pattern CONTENT_TYPE = Pattern.compile("^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;[ -~]*)?$");
    private static final String UNIQUE_VIOLATION = "23505";
    /** The longest file name common file systems (and so the local store) take. */
    private static final int MAX_SEGMENT_BYTES = 255;

    private final Jdbi jdbi;
    private final SandboxRuntime runtime;
    private final StoredObjects objects;
    private final SandboxService sandboxes;
    private final StorageQuota quota;
    private final LimitsConfig limits;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final Events events;

    public ArtifactService(Jdbi jdbi, SandboxRuntime runtime, StoredObjects objects, SandboxService sandboxes,
            StorageQuota quota, LimitsConfig limits, Clock clock, ObjectMapper mapper, Events events) {
        this.events = requireNonNull(events, "events is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.quota = requireNonNull(quota, "quota is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    public ArtifactView upload(Caller caller, String sandboxId, ArtifactRequests.Upload request) {
        if (request == null) {
            throw DomainException.validation("path", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String path = workspacePath("path", request.path());
        String remotePath = remotePath(caller, request.remotePath() == null
                ? path.substring(SandboxRuntime.WORKSPACE.length() + 1) : request.remotePath());
        String contentType = contentType(request.contentType(), path);
        Long expiresAt = null;
        if (request.expiresIn() != null) {
            if (request.expiresIn() < 1 || request.expiresIn() > MAX_EXPIRES_IN_SECONDS) {
                throw DomainException.validation("expires_in", "must be between 1 and " + MAX_EXPIRES_IN_SECONDS + " seconds");
            }
            expiresAt = clock.millis() + request.expiresIn() * 1000;
        }
        String metadata = sandboxes.metadata(request.metadata());
        sandboxes.requireRunning(caller, sandboxId);

        try (TarArchiveInputStream tar = new TarArchiveInputStream(runtime.readArchive(sandboxId, path))) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null) {
                throw DomainException.notFound(ErrorCodes.FILE_NOT_FOUND, path + ": no such file");
            }
            if (entry.isSymbolicLink() || entry.isLink()) {
                throw DomainException.validation("path", path + " is a link; artifacts are uploaded from regular files only");
            }
            if (entry.isDirectory() || entry.getLinkFlag() != TarConstants.LF_NORMAL && entry.getLinkFlag() != TarConstants.LF_OLDNORM) {
                throw DomainException.validation("path", path + " is not a regular file");
            }
            long size = entry.getSize();
            if (size > limits.maxArtifactBytes()) {
                throw DomainException.tooLarge("path", path + " is " + size + " bytes; the artifact limit is " + limits.maxArtifactBytes());
            }
            ArtifactRecord row = new ArtifactRecord(Ids.newId("art"), caller.orgId(), sandboxId, path, remotePath,
                    objectKey(caller.orgId(), remotePath), StoredState.UPLOADING.value(), size, null, contentType,
                    metadata, clock.millis(), expiresAt);
            reserve(row);
            try {
                StoredObjects.Stored stored = objects.put(row.objectKey(), tar, size, contentType, size);
                if (stored.size() != size) {
                    throw new IOException(path + " changed while it was read");
                }
                boolean ready = jdbi.inTransaction(handle -> {
                    if (handle.attach(ArtifactDao.class).markReady(row.id(), size, stored.checksum()) == 0) {
                        return false;
                    }
                    events.record(handle, EventTypes.ARTIFACT_UPLOADED, row.orgId(), sandboxId, Map.of("artifactId", row.id(),
                            "remotePath", row.remotePath(), "size", size, "contentType", contentType));
                    return true;
                });
                if (!ready) {
                    throw DomainException.conflict("artifact " + row.id() + " was removed while it was being stored");
                }
                return view(new ArtifactRecord(row.id(), row.orgId(), row.sandboxId(), row.path(), row.remotePath(),
                        row.objectKey(), StoredState.READY.value(), size, stored.checksum(), contentType, metadata,
                        row.createdAt(), expiresAt));
            } catch (IOException | RuntimeException e) {
                discard(row);
                throw e;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("uploading " + path + " failed", e);
        }
    }

    public ArtifactView.Downloaded download(Caller caller, String sandboxId, ArtifactRequests.Download request) {
        if (request == null || request.artifactId() == null || request.artifactId().isBlank()) {
            throw DomainException.validation("artifact_id", "required");
        }
        caller.requireOwnOrg(request.orgId());
        if (request.path() != null && request.targetPath() != null && !request.path().equals(request.targetPath())) {
            throw DomainException.validation("target_path", "differs from path; send one of them");
        }
        String path = request.path() != null ? workspacePath("path", request.path())
                : workspacePath("target_path", request.targetPath());
        ArtifactRecord artifact = requireReady(caller, request.artifactId());
        if (artifact.size() > limits.maxArtifactBytes()) {
            throw DomainException.tooLarge("artifact_id", "the artifact is larger than the limit of " + limits.maxArtifactBytes());
        }
        sandboxes.requireRunning(caller, sandboxId);
        ProducerPipe.run("download-" + artifact.id(),
                out -> {
                    try (InputStream stored = objects.store().get(artifact.objectKey())) {
                        // Not closed on failure: closing would end the archive as if it were whole.
                        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
                        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                        TarArchiveEntry entry = new TarArchiveEntry(path.substring(1));
                        entry.setMode(0100644);
                        entry.setSize(artifact.size());
                        tar.putArchiveEntry(entry);
                        Checksums.HashingInputStream hashed = new Checksums.HashingInputStream(stored);
                        long copied = hashed.transferTo(tar);
                        if (copied != artifact.size() || !hashed.hex().equals(artifact.checksum())) {
                            // Not a failure to retry: the stored copy was altered or damaged.
                            throw new DomainException(ErrorKind.UNPROCESSABLE, ErrorCodes.VALIDATION_ERROR,
                                    "artifact_id: the stored artifact " + artifact.id()
                                    + " does not match its checksum; delete it and upload it again",
                                    Map.of("field", "artifact_id"));
                        }
                        tar.closeArchiveEntry();
                        tar.finish();
                    }
                },
                in -> {
                    runtime.writeArchive(sandboxId, in);
                    return null;
                });
        return new ArtifactView.Downloaded(true, path, artifact.size());
    }

    public ArtifactView get(Caller caller, String id) {
        return view(requireReady(caller, id));
    }

    public ArtifactView.Listing list(Caller caller, String sandboxId) {
        return new ArtifactView.Listing(dao().listReady(caller.orgId(), sandboxId, clock.millis()).stream().map(this::view).toList());
    }

    /** A URL that downloads the artifact without a credential, valid for {@code expiresIn} seconds at most. */
    public ArtifactView.Url url(Caller caller, String id, Long expiresIn) {
        long seconds = expiresIn == null ? DEFAULT_URL_SECONDS : expiresIn;
        if (seconds < 1 || seconds > MAX_URL_SECONDS) {
            throw DomainException.validation("expires_in", "must be between 1 and " + MAX_URL_SECONDS + " seconds");
        }
        ArtifactRecord artifact = requireReady(caller, id);
        long now = clock.millis();
        long until = now + seconds * 1000;
        if (artifact.expiresAt() != null && artifact.expiresAt() < until) {
            until = artifact.expiresAt();
        }
        // Whole seconds, rounded down, so the URL never outlives what it says.
        Duration validFor = Duration.ofSeconds(Math.max(1, (until - now) / 1000));
        return new ArtifactView.Url(objects.store().presignGet(artifact.objectKey(), validFor).toString(),
                Times.iso(now + validFor.toMillis()));
    }

    public void delete(Caller caller, String id) {
        ArtifactRecord row = requireReady(caller, id);
        boolean marked = jdbi.inTransaction(handle -> {
            if (handle.attach(ArtifactDao.class).markDeleting(caller.orgId(), id) == 0) {
                return false;
            }
            events.record(handle, EventTypes.ARTIFACT_DELETED, row.orgId(), row.sandboxId(),
                    Map.of("artifactId", id, "remotePath", row.remotePath(), "reason", "deleted"));
            return true;
        });
        if (!marked) {
            throw DomainException.notFound(ErrorCodes.ARTIFACT_NOT_FOUND, "artifact " + id + " not found");
        }
        sweep(row);
    }

    /** Removes what {@link StorageSweeper} found: the object first, then the row. */
    boolean sweep(ArtifactRecord row) {
        if (!objects.deleteQuietly(List.of(row.objectKey()))) {
            return false;
        }
        jdbi.useTransaction(handle -> {
            handle.attach(ArtifactDao.class).delete(row.id());
            if (StoredState.READY.value().equals(row.state())) { // swept because it expired
                events.record(handle, EventTypes.ARTIFACT_DELETED, row.orgId(), row.sandboxId(),
                        Map.of("artifactId", row.id(), "remotePath", row.remotePath(), "reason", "expired"));
            }
        });
        return true;
    }

    /**
     * Inserts the row (uploading) if the quota allows its size. A remote path may not also be a
     * folder of another artifact's, or lie inside one: every store could not hold both.
     */
    private void reserve(ArtifactRecord row) {
        List<String> parents = new java.util.ArrayList<>();
        for (int slash = row.remotePath().indexOf('/'); slash > 0; slash = row.remotePath().indexOf('/', slash + 1)) {
            parents.add(row.remotePath().substring(0, slash));
        }
        String inside = row.remotePath().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "/%";
        dao().overlapping(row.orgId(), parents, inside).ifPresent(other -> {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.CONFLICT,
                    "remote_path: " + row.remotePath() + " overlaps the artifact at " + other
                    + " (one would be a folder of the other)", java.util.Map.of("field", "remote_path"));
        });
        try {
            jdbi.useTransaction(handle -> {
                long remaining = quota.lockAndMeasure(handle, row.orgId());
                if (row.size() > remaining) {
                    throw quota.exceeded(handle, row.orgId(), row.size());
                }
                handle.attach(ArtifactDao.class).insert(row);
            });
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.CONFLICT,
                        "remote_path: an artifact already exists at " + row.remotePath()
                        + "; delete it first or choose another remote_path",
                        java.util.Map.of("field", "remote_path"));
            }
            throw e;
        }
    }

    /** Gives up an upload; if the sweeper already took its row, the key may be another upload's now. */
    private void discard(ArtifactRecord row) {
        if (dao().abandon(row.id()) > 0) {
            sweep(row);
        }
    }

    private ArtifactRecord requireReady(Caller caller, String id) {
        return dao().findReady(caller.orgId(), id, clock.millis())
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.ARTIFACT_NOT_FOUND, "artifact " + id + " not found"));
    }

    /** A path inside the workspace: artifacts never come from or go to anywhere else. */
    private static String workspacePath(String field, String path) {
        return FilePaths.resolve(field, path, List.of(SandboxRuntime.WORKSPACE));
    }

    /** The remote path, if the object key it makes ({@code artifacts/<org>/<remote_path>}) is one every store can hold. */
    private static String remotePath(Caller caller, String remotePath) {
        if (remotePath.startsWith("/")) {
            throw DomainException.validation("remote_path", "must be relative (no leading '/')");
        }
        String problem = ObjectKeys.problem(remotePath);
        if (problem == null) {
            problem = ObjectKeys.problem(objectKey(caller.orgId(), remotePath));
        }
        if (problem == null && Arrays.stream(remotePath.split("/"))
                .anyMatch(segment -> segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES)) {
            problem = "has a name longer than " + MAX_SEGMENT_BYTES + " bytes";
        }
        if (problem != null) {
            throw DomainException.validation("remote_path", problem.equals("has a '..' segment") ? "must not contain '..'" : problem);
        }
        return remotePath;
    }

    private static String objectKey(String orgId, String remotePath) {
        return "artifacts/" + orgId + "/" + remotePath;
    }

    private static String contentType(String given, String path) {
        if (given != null) {
            if (given.length() > 255 || !CONTENT_TYPE.matcher(given).matches()) {
                throw DomainException.validation("content_type", "not a media type such as application/pdf");
            }
            try {
                return MediaType.valueOf(given).toString();
            } catch (IllegalArgumentException e) {
                throw DomainException.validation("content_type", "not a media type such as application/pdf");
            }
        }
        String guessed = URLConnection.getFileNameMap().getContentTypeFor(path.substring(path.lastIndexOf('/') + 1));
        return guessed == null ? "application/octet-stream" : guessed;
    }

    private ArtifactView view(ArtifactRecord row) {
        JsonNode metadata;
        try {
            metadata = row.metadata() == null ? mapper.createObjectNode() : mapper.readTree(row.metadata());
        } catch (IOException e) {
            throw new IllegalStateException("artifact " + row.id() + " has unreadable stored JSON", e);
        }
        return new ArtifactView(row.id(), row.sandboxId(), row.orgId(), row.path(), row.remotePath(), row.size(),
                row.checksum(), row.contentType(), Times.iso(row.createdAt()), Times.iso(row.expiresAt()), metadata);
    }

    private ArtifactDao dao() {
        return jdbi.onDemand(ArtifactDao.class);
    }
}
