package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** Request bodies of the webhook endpoints. */
public final class WebhookRequests {

    private WebhookRequests() {
    }

    /** {@code POST /webhooks}; {@code events} is a list of event names or {@code "*"}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Create(String url, JsonNode events, String secret, Map<String, String> headers, Integer retryCount,
            Long retryDelayMs, Long timeoutMs, String orgId) {
    }
}
