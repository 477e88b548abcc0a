package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.events.DeliveryResult;
import com.stateset.sandbox.spi.events.Event;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one event to one webhook as a signed POST. Redirects are not followed; the webhook's
 * {@code timeout_ms} bounds connecting and each wait for the answer; every connection goes through
 * {@link WebhookTargets}. 2xx is delivered; 410 Gone fails for good (and the webhook is disabled by
 * the caller); anything else, or no answer, is retried, no sooner than a {@code Retry-After} asks.
 */
public final class WebhookSender implements AutoCloseable {

    private static final int MAX_ERROR_CHARS = 500;

    private final CloseableHttpClient client;
    private final Clock clock;

    public WebhookSender(WebhookTargets targets, int maxConnections, Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(requireNonNull(targets, "targets is null"))
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(Math.max(2, maxConnections / 4))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(10))
                                .setTimeToLive(Timeout.ofMinutes(5))
                                .build())
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("StateSet-Sandbox-Webhooks/1")
                .build();
    }

    public DeliveryResult send(WebhookRecord webhook, Map<String, String> customHeaders, Event event) {
        HttpPost post = new HttpPost(webhook.url());
        Timeout timeout = Timeout.ofMilliseconds(webhook.timeoutMs());
        post.setConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(timeout)
                .setConnectTimeout(timeout)
                .setResponseTimeout(timeout)
                .build());
        customHeaders.forEach(post::setHeader);
        WebhookSigner.headers(webhook.secret(), event.id(), clock.instant().getEpochSecond(), event.body())
                .forEach(post::setHeader);
        post.setEntity(new StringEntity(event.body(), ContentType.APPLICATION_JSON));
        // Closed unread: an answer's body is never needed, and a receiver must not make us read forever.
        try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
            return result(response);
        } catch (UnknownHostException e) {
            return DeliveryResult.retry(null, truncate("refused or unresolvable target: " + e.getMessage()), null);
        } catch (IOException e) {
            return DeliveryResult.retry(null, truncate(e.getClass().getSimpleName() + ": " + e.getMessage()), null);
        }
    }

    private DeliveryResult result(ClassicHttpResponse response) {
        int status = response.getCode();
        if (status >= 200 && status < 300) {
            return DeliveryResult.delivered(status);
        }
        if (status == 410) {
            return DeliveryResult.failed(status, "410 Gone: the receiver asked for no more deliveries");
        }
        return DeliveryResult.retry(status, "HTTP " + status, retryAfter(response.getFirstHeader("Retry-After")));
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    private Duration retryAfter(Header header) {
        if (header == null) {
            return null;
        }
        String value = header.getValue().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS);
    }

    @Override
    public void close() {
        client.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }
}
