package com.stateset.sandbox.server.events;

import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.model.WebhookRecord;

/**
 * Webhook signing secrets and custom header values at rest. With the secrets master key configured
 * they are sealed with it (AES-256-GCM, bound to the organization and the webhook); without one they
 * are kept as given, marked so. A sealed value the configured key cannot open fails the delivery;
 * it never reaches a receiver or an answer.
 */
public final class WebhookCredentials {

    private static final String PLAIN = "plain:";

    private final SecretCipher cipher;

    /** @param cipher the secrets master key's cipher, or null when none is configured */
    public WebhookCredentials(SecretCipher cipher) {
        this.cipher = cipher;
    }

    String seal(String orgId, String webhookId, String part, String value) {
        if (value == null) {
            return null;
        }
        return cipher == null ? PLAIN + value : cipher.encrypt(orgId, name(webhookId, part), value);
    }

    String open(String orgId, String webhookId, String part, String stored) {
        if (stored == null) {
            return null;
        }
        if (stored.startsWith(PLAIN)) {
            return stored.substring(PLAIN.length());
        }
        if (cipher == null) {
            throw new IllegalStateException("webhook " + webhookId + " was sealed under a master key that is not configured");
        }
        return cipher.decrypt(orgId, name(webhookId, part), stored);
    }

    /** The webhook with its secret and headers opened, for sending. */
    WebhookRecord opened(WebhookRecord webhook) {
        return new WebhookRecord(webhook.id(), webhook.orgId(), webhook.url(), webhook.events(),
                open(webhook.orgId(), webhook.id(), "secret", webhook.secret()),
                open(webhook.orgId(), webhook.id(), "headers", webhook.headers()), webhook.enabled(),
                webhook.disabledReason(), webhook.retryCount(), webhook.retryDelayMs(), webhook.timeoutMs(),
                webhook.createdAt(), webhook.deletedAt());
    }

    private static String name(String webhookId, String part) {
        return "webhook:" + webhookId + ":" + part;
    }
}
