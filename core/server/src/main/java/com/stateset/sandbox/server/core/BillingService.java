package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.SubscriptionView;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.PlanConfig;
import com.stateset.sandbox.server.db.OrganizationDao;
import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.Organization;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** An organization's plan and how much of it is in use. */
public final class BillingService {

    private final Jdbi jdbi;
    private final Plans plans;
    private final StorageQuota storage;
    private final Clock clock;

    public BillingService(Jdbi jdbi, Plans plans, StorageQuota storage, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.plans = requireNonNull(plans, "plans is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public SubscriptionView subscription(Caller caller) {
        return jdbi.withHandle(handle -> {
            Organization org = handle.attach(OrganizationDao.class).find(caller.orgId())
                    .orElseThrow(() -> DomainException.forbidden("the organization no longer exists"));
            String name = plans.effectiveName(org.plan());
            PlanConfig plan = plans.of(name);
            long now = clock.millis();
            SandboxDao sandboxes = handle.attach(SandboxDao.class);
            return new SubscriptionView(
                    new SubscriptionView.Subscription("sub_" + org.id().substring(org.id().indexOf('_') + 1), org.id(), name,
                            "active", Times.iso(Plans.periodStart(now)), Times.iso(Plans.periodEnd(now)), false,
                            sandboxes.countCreatedSince(org.id(), Plans.periodStart(now)), sandboxes.countActive(org.id()),
                            storage.used(handle, org.id())),
                    name,
                    new SubscriptionView.Limits(name, plan.sandboxesPerMonth(), plan.concurrentSandboxes(),
                            plan.maxDurationSeconds(), plan.storage(), plan.storageBytes()));
        });
    }
}
