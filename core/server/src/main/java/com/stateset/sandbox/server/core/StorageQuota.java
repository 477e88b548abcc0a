package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.db.ArtifactDao;
import com.stateset.sandbox.server.db.CheckpointDao;
import com.stateset.sandbox.server.db.OrganizationDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.Organization;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The storage limit of an organization's plan, over checkpoints and artifacts together. Checks
 * run in a transaction holding the organization's row lock, so concurrent uploads are counted one
 * after the other and cannot together pass the limit.
 */
public final class StorageQuota {

    private final Plans plans;

    public StorageQuota(Plans plans) {
        this.plans = requireNonNull(plans, "plans is null");
    }

    /**
     * Locks the organization and returns how many more bytes it may store ({@link Long#MAX_VALUE}
     * without a limit). Call inside a transaction.
     */
    public long lockAndMeasure(Handle handle, String orgId) {
        Organization org = handle.attach(OrganizationDao.class).lock(orgId)
                .orElseThrow(() -> DomainException.forbidden("the organization no longer exists"));
        Long limit = limit(org.plan());
        if (limit == null) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, limit - used(handle, orgId));
    }

    /** Bytes stored for the organization, counting uploads in progress. */
    public long used(Handle handle, String orgId) {
        return handle.attach(CheckpointDao.class).storedBytes(orgId) + handle.attach(ArtifactDao.class).storedBytes(orgId);
    }

    /** The 402 an over-quota write answers; nothing has been written when it is thrown. */
    public DomainException exceeded(Handle handle, String orgId, long requested) {
        String plan = handle.attach(OrganizationDao.class).find(orgId).map(Organization::plan).orElse("?");
        Long limit = limit(plan);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("quota", "storage");
        details.put("plan", plan);
        details.put("limit_bytes", limit);
        details.put("used_bytes", used(handle, orgId));
        if (requested >= 0) {
            details.put("requested_bytes", requested);
        }
        return new DomainException(ErrorKind.QUOTA_EXCEEDED, ErrorCodes.QUOTA_EXCEEDED,
                "storage quota exceeded: the " + plan + " plan stores at most "
                + limit + " bytes of checkpoints and artifacts", details);
    }

    private Long limit(String plan) {
        return plans.of(plan).storageBytes();
    }
}
