package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.CheckpointRequests;
import com.stateset.sandbox.api.CheckpointView;
import com.stateset.sandbox.api.CreateSandboxRequest;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.archive.CheckpointReader;
import com.stateset.sandbox.server.archive.CheckpointWriter;
import com.stateset.sandbox.server.archive.Manifest;
import com.stateset.sandbox.server.archive.PathSelection;
import com.stateset.sandbox.server.archive.ProducerPipe;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.db.CheckpointDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.model.CheckpointRecord;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.storage.ObjectInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jdbi.v3.core.Jdbi;

/**
 * Checkpoints of sandbox workspaces. A checkpoint is two objects under
 * {@code checkpoints/<org-id>/<checkpoint-id>/}: the workspace as a compressed tar, and its
 * {@link Manifest}. The row is written first and shown only once both objects are stored; whatever
 * fails on the way, the objects are removed before the row (by the storage sweeper if the store is
 * down), so there is never a row without its objects or an object without its row.
 */
public final class CheckpointService {

    private static final int MAX_NAME_CHARS = 200;
    private static final int MAX_DESCRIPTION_CHARS = 2000;

    private final Jdbi jdbi;
    private final SandboxRuntime runtime;
    private final StoredObjects objects;
    private final SandboxService sandboxes;
    private final StorageQuota quota;
    private final LimitsConfig limits;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final Events events;

    public CheckpointService(Jdbi jdbi, SandboxRuntime runtime, StoredObjects objects, SandboxService sandboxes,
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

    public CheckpointView create(Caller caller, String sandboxId, CheckpointRequests.Create request) {
        if (request == null) {
            throw DomainException.validation("name", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String name = text("name", request.name(), MAX_NAME_CHARS, true);
        String description = text("description", request.description(), MAX_DESCRIPTION_CHARS, false);
        PathSelection selection = PathSelection.of(request.includePaths(), request.excludePaths());
        boolean includeEnv = Boolean.TRUE.equals(request.includeEnv());
        String metadata = sandboxes.metadata(request.metadata());
        SandboxRecord sandbox = sandboxes.requireRunning(caller, sandboxId);

        String id = Ids.newId("chk");
        String prefix = "checkpoints/" + caller.orgId() + "/" + id + "/";
        CheckpointRecord row = new CheckpointRecord(id, caller.orgId(), sandboxId, name, description,
                StoredState.UPLOADING.value(), prefix + "workspace.tar.gz", prefix + "manifest.json.gz", 0, 0, null,
                includeEnv, metadata, clock.millis());
        long allowance = reserve(row, 0);
        try {
            Map<String, String> env = includeEnv ? sandboxes.envOf(sandbox) : null;
            CheckpointWriter writer = new CheckpointWriter(selection, limits.maxCheckpointBytes());
            AtomicReference<Manifest> manifest = new AtomicReference<>();
            StoredObjects.Stored archive = ProducerPipe.run("checkpoint-" + id,
                    out -> {
                        try (InputStream tar = runtime.readArchive(sandboxId, SandboxRuntime.WORKSPACE)) {
                            manifest.set(writer.write(tar, out, env));
                        }
                    },
                    in -> objects.put(row.objectKey(), in, -1, "application/gzip", allowance));
            byte[] manifestBytes = gzipJson(manifest.get());
            objects.put(row.manifestKey(), new ByteArrayInputStream(manifestBytes), manifestBytes.length,
                    "application/gzip", allowance - archive.size());
            CheckpointRecord ready = withSize(row, archive.size() + manifestBytes.length, manifest.get().files().size(),
                    archive.checksum());
            commit(ready, EventTypes.CHECKPOINT_CREATED, Map.of());
            return view(ready);
        } catch (RuntimeException e) {
            discard(row);
            if (StoredObjects.overAllowance(e)) {
                throw jdbi.withHandle(h -> quota.exceeded(h, row.orgId(), -1));
            }
            throw e;
        }
    }

    public CheckpointView get(Caller caller, String id) {
        return view(requireReady(caller, id, "id"));
    }

    public CheckpointView.Listing list(Caller caller, String sandboxId) {
        return new CheckpointView.Listing(dao().listReady(caller.orgId(), sandboxId).stream().map(this::view).toList());
    }

    /**
     * Writes a checkpoint into a running sandbox. Asked for the environment of a checkpoint saved
     * without it, it restores no variables (there are none) and says so.
     */
    public CheckpointView.Restored restore(Caller caller, String sandboxId, CheckpointRequests.Restore request) {
        if (request == null || request.checkpointId() == null) {
            throw DomainException.validation("checkpoint_id", "required");
        }
        caller.requireOwnOrg(request.orgId());
        boolean restoreFiles = !Boolean.FALSE.equals(request.restoreFiles());
        boolean overwrite = !Boolean.FALSE.equals(request.overwrite());
        CheckpointRecord checkpoint = requireReady(caller, request.checkpointId(), "checkpoint_id");
        boolean restoreEnv = Boolean.TRUE.equals(request.restoreEnv()) && checkpoint.includeEnv();
        SandboxRecord sandbox = sandboxes.requireRunning(caller, sandboxId);
        Map<String, String> env = Map.of();
        if (restoreEnv) {
            env = Objects.requireNonNullElse(manifest(checkpoint).env(), Map.of());
            sandboxes.checkEnvFits(sandbox, env); // before any file is written
        }
        if (restoreFiles) {
            writeInto(sandboxId, checkpoint, overwrite);
        }
        if (restoreEnv) {
            sandboxes.addEnv(sandbox, env, overwrite);
        }
        events.record(EventTypes.CHECKPOINT_RESTORED, sandbox.orgId(), sandboxId, Map.of("checkpointId", checkpoint.id(),
                "restoreFiles", restoreFiles, "restoreEnv", restoreEnv, "overwrite", overwrite));
        return new CheckpointView.Restored(true, restoreFiles, restoreEnv);
    }

    /** {@code POST /sandbox/create} with {@code checkpoint_id}: a new sandbox holding the checkpoint. */
    public SandboxView fork(Caller caller, CreateSandboxRequest request) {
        caller.requireOwnOrg(request.orgId());
        CheckpointRecord checkpoint = requireReady(caller, request.checkpointId(), "checkpoint_id");
        Map<String, String> env = checkpoint.includeEnv() ? manifest(checkpoint).env() : null;
        return sandboxes.create(caller, request, new SandboxService.Seed(env == null ? Map.of() : env,
                sandboxId -> writeInto(sandboxId, checkpoint, true)));
    }

    public CheckpointView copy(Caller caller, String id, CheckpointRequests.Clone request) {
        if (request == null) {
            throw DomainException.validation("name", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String name = text("name", request.name(), MAX_NAME_CHARS, true);
        CheckpointRecord source = requireReady(caller, id, "id");
        String description = request.description() == null ? source.description()
                : text("description", request.description(), MAX_DESCRIPTION_CHARS, false);
        String cloneId = Ids.newId("chk");
        String prefix = "checkpoints/" + caller.orgId() + "/" + cloneId + "/";
        CheckpointRecord row = new CheckpointRecord(cloneId, source.orgId(), source.sandboxId(), name, description,
                StoredState.UPLOADING.value(), prefix + "workspace.tar.gz", prefix + "manifest.json.gz", source.size(),
                source.fileCount(), source.checksum(), source.includeEnv(), source.metadata(), clock.millis());
        reserve(row, source.size());
        try {
            copyObject(source.objectKey(), row.objectKey());
            copyObject(source.manifestKey(), row.manifestKey());
            commit(row, EventTypes.CHECKPOINT_CLONED, Map.of("sourceCheckpointId", source.id()));
            return view(row);
        } catch (RuntimeException e) {
            discard(row);
            throw e;
        }
    }

    public CheckpointView.Comparison compare(Caller caller, CheckpointRequests.Compare request) {
        if (request == null || request.checkpointId1() == null) {
            throw DomainException.validation("checkpoint_id_1", "required");
        }
        if (request.checkpointId2() == null) {
            throw DomainException.validation("checkpoint_id_2", "required");
        }
        caller.requireOwnOrg(request.orgId());
        Manifest first = manifest(requireReady(caller, request.checkpointId1(), "checkpoint_id_1"));
        Manifest second = manifest(requireReady(caller, request.checkpointId2(), "checkpoint_id_2"));
        Map<String, Manifest.Entry> before = byPath(first.files());
        Map<String, Manifest.Entry> after = byPath(second.files());
        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, Manifest.Entry> entry : after.entrySet()) {
            Manifest.Entry old = before.get(entry.getKey());
            if (old == null) {
                added.add(entry.getKey());
            } else if (sameContent(old, entry.getValue())) {
                unchanged++;
            } else {
                modified.add(entry.getKey());
            }
        }
        List<String> removed = before.keySet().stream().filter(path -> !after.containsKey(path)).toList();
        return new CheckpointView.Comparison(added, removed, modified, unchanged, envChanges(first.env(), second.env()));
    }

    public void delete(Caller caller, String id) {
        CheckpointRecord row = requireReady(caller, id, "id");
        boolean marked = jdbi.inTransaction(handle -> {
            if (handle.attach(CheckpointDao.class).markDeleting(caller.orgId(), id) == 0) {
                return false;
            }
            events.record(handle, EventTypes.CHECKPOINT_DELETED, row.orgId(), row.sandboxId(), Map.of("checkpointId", id));
            return true;
        });
        if (!marked) {
            throw DomainException.notFound(ErrorCodes.CHECKPOINT_NOT_FOUND, "checkpoint " + id + " not found");
        }
        sweep(row);
    }

    /** Removes what {@link StorageSweeper} found: objects first, then the row. */
    boolean sweep(CheckpointRecord row) {
        if (!objects.deleteQuietly(List.of(row.objectKey(), row.manifestKey()))) {
            return false;
        }
        dao().delete(row.id());
        return true;
    }

    private void writeInto(String sandboxId, CheckpointRecord checkpoint, boolean overwrite) {
        CheckpointReader reader = new CheckpointReader(checkpoint.checksum(), limits.maxCheckpointBytes());
        try (InputStream stored = objects.store().get(checkpoint.objectKey())) {
            reader.check(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("reading checkpoint " + checkpoint.id() + " failed", e);
        }
        ProducerPipe.run("restore-" + checkpoint.id(),
                out -> {
                    try (InputStream stored = objects.store().get(checkpoint.objectKey())) {
                        reader.rewrite(stored, out);
                    }
                },
                in -> {
                    runtime.writeArchive(sandboxId, in, overwrite);
                    return null;
                });
    }

    private CheckpointRecord requireReady(Caller caller, String id, String field) {
        if (id == null || id.isBlank()) {
            throw DomainException.validation(field, "required");
        }
        return dao().findReady(caller.orgId(), id)
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.CHECKPOINT_NOT_FOUND, "checkpoint " + id + " not found"));
    }

    /** Inserts the row (uploading) if the quota allows {@code size} more bytes; returns what it allows. */
    private long reserve(CheckpointRecord row, long size) {
        return jdbi.inTransaction(handle -> {
            long remaining = quota.lockAndMeasure(handle, row.orgId());
            if (remaining <= 0 || size > remaining) {
                throw quota.exceeded(handle, row.orgId(), size);
            }
            handle.attach(CheckpointDao.class).insert(row);
            return remaining;
        });
    }

    /** Marks the row ready, if the quota still holds with its final size (others may have stored meanwhile). */
    private void commit(CheckpointRecord ready, String event, Map<String, Object> extra) {
        jdbi.useTransaction(handle -> {
            CheckpointDao dao = handle.attach(CheckpointDao.class);
            long remaining = quota.lockAndMeasure(handle, ready.orgId());
            long reserved = dao.findAny(ready.id()).map(CheckpointRecord::size).orElse(0L);
            if (remaining != Long.MAX_VALUE && ready.size() > remaining + reserved) {
                throw quota.exceeded(handle, ready.orgId(), ready.size());
            }
            if (dao.markReady(ready.id(), ready.size(), ready.fileCount(), ready.checksum()) == 0) {
                throw DomainException.conflict("checkpoint " + ready.id() + " was removed while it was being stored");
            }
            Map<String, Object> data = new java.util.LinkedHashMap<>(extra);
            data.put("checkpointId", ready.id());
            data.put("name", ready.name());
            data.put("size", ready.size());
            data.put("fileCount", ready.fileCount());
            events.record(handle, event, ready.orgId(), ready.sandboxId(), data);
        });
    }

    /** Gives up a checkpoint being stored; nothing to do if the sweeper already took its row. */
    private void discard(CheckpointRecord row) {
        if (dao().abandon(row.id()) > 0) {
            sweep(row);
        }
    }

    private void copyObject(String from, String to) {
        ObjectInfo info = objects.store().head(from)
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.OBJECT_NOT_FOUND, "the stored checkpoint is missing"));
        try (InputStream in = objects.store().get(from)) {
            objects.store().put(to, in, info.size(), info.contentType());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkpoint's manifest; one that is damaged in the store is 422, as a damaged archive is. */
    private Manifest manifest(CheckpointRecord checkpoint) {
        try (InputStream stored = objects.store().get(checkpoint.manifestKey());
                InputStream in = new GZIPInputStream(stored)) {
            return mapper.readValue(in, Manifest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | java.util.zip.ZipException | java.io.EOFException e) {
            throw new DomainException(ErrorKind.UNPROCESSABLE, ErrorCodes.VALIDATION_ERROR,
                    "checkpoint_id: the manifest of " + checkpoint.id()
                    + " is damaged in the store; delete the checkpoint and make it again", Map.of("field", "checkpoint_id"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the manifest of " + checkpoint.id() + " failed", e);
        }
    }

    private byte[] gzipJson(Manifest manifest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            mapper.writeValue(gzip, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, Manifest.Entry> byPath(List<Manifest.Entry> entries) {
        return entries.stream().collect(Collectors.toMap(Manifest.Entry::path, Function.identity(), (a, b) -> b, TreeMap::new));
    }

    private static boolean sameContent(Manifest.Entry a, Manifest.Entry b) {
        return a.type().equals(b.type()) && a.size() == b.size() && a.mode() == b.mode()
                && Objects.equals(a.sha256(), b.sha256()) && Objects.equals(a.link(), b.link());
    }

    private static CheckpointView.EnvChanges envChanges(Map<String, String> before, Map<String, String> after) {
        if (before == null || after == null) {
            return null;
        }
        return new CheckpointView.EnvChanges(
                after.keySet().stream().filter(k -> !before.containsKey(k)).sorted().toList(),
                before.keySet().stream().filter(k -> !after.containsKey(k)).sorted().toList(),
                after.keySet().stream().filter(k -> before.containsKey(k) && !before.get(k).equals(after.get(k))).sorted().toList());
    }

    private static CheckpointRecord withSize(CheckpointRecord row, long size, int fileCount, String checksum) {
        return new CheckpointRecord(row.id(), row.orgId(), row.sandboxId(), row.name(), row.description(),
                StoredState.READY.value(), row.objectKey(), row.manifestKey(), size, fileCount, checksum, row.includeEnv(),
                row.metadata(), row.createdAt());
    }

    private static String text(String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw DomainException.validation(field, "required");
            }
            return null;
        }
        if (value.length() > max || value.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' || c == 0x7f)) {
            throw DomainException.validation(field, "at most " + max + " characters, without control characters");
        }
        return value;
    }

    private CheckpointView view(CheckpointRecord row) {
        JsonNode metadata;
        try {
            metadata = row.metadata() == null ? mapper.createObjectNode() : mapper.readTree(row.metadata());
        } catch (IOException e) {
            throw new IllegalStateException("checkpoint " + row.id() + " has unreadable stored JSON", e);
        }
        return new CheckpointView(row.id(), row.sandboxId(), row.orgId(), row.name(), row.description(),
                Times.iso(row.createdAt()), row.size(), row.fileCount(), row.checksum(), metadata, row.includeEnv());
    }

    private CheckpointDao dao() {
        return jdbi.onDemand(CheckpointDao.class);
    }
}
