package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.stateset.sandbox.api.WebhookRequests;
import com.stateset.sandbox.api.WebhookView;
import java.util.List;
import java.util.Map;

/** Webhooks: signed deliveries of the organization's events to a URL. */
public final class Webhooks {

    private final Transport http;

    Webhooks(Transport http) {
        this.http = http;
    }

    /** Registers a webhook for these events (empty: all); the answer carries its secret, once. */
    public WebhookView create(String url, List<String> events, String secret) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("url", url);
        body.put("events", events.isEmpty() ? "*" : events);
        if (secret != null) {
            body.put("secret", secret);
        }
        return http.json(new Transport.Call("POST", "/webhooks").json(body), WebhookView.class);
    }

    public WebhookView create(WebhookRequests.Create request) {
        return http.json(new Transport.Call("POST", "/webhooks").json(request), WebhookView.class);
    }

    public List<WebhookView> list() {
        return http.json(new Transport.Call("GET", "/webhooks"), WebhookView.Listing.class).webhooks();
    }

    public void delete(String webhookId) {
        http.json(new Transport.Call("DELETE", "/webhooks/" + segment(webhookId)), Map.class);
    }

    /** Sends a signed {@code webhook.test} event now and says how it went. */
    public WebhookView.TestResult test(String webhookId) {
        return http.json(new Transport.Call("POST", "/webhooks/" + segment(webhookId) + "/test"), WebhookView.TestResult.class);
    }

    /** The newest {@code limit} deliveries, each with its attempts. */
    public List<WebhookView.Delivery> deliveries(String webhookId, int limit) {
        return http.json(new Transport.Call("GET", "/webhooks/" + segment(webhookId) + "/deliveries").query("limit", limit),
                WebhookView.Deliveries.class).deliveries();
    }
}
