package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.model.WebhookRecord;
import com.stateset.sandbox.spi.events.DeliveryResult;
import com.stateset.sandbox.spi.events.Event;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final WebhookTargets targets;
    private final Clock clock;
    /** Ends attempts at their deadline, whatever the receiver does. */
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("webhook-deadlines").daemon().factory());

    public WebhookSender(WebhookTargets targets, int maxConnections, Clock clock) {
        this.targets = requireNonNull(targets, "targets is null");
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

    /**
     * One attempt, over within the webhook's {@code timeout_ms} whatever the receiver does (slow
     * headers, an endless body, several unreachable addresses): at the deadline it is cancelled.
     */
    public DeliveryResult send(WebhookRecord webhook, Map<String, String> customHeaders, Event event) {
        if (targets.refusesPlainHttp() && !webhook.url().regionMatches(true, 0, "https:", 0, 6)) {
            return DeliveryResult.failed(null, "plain http is not allowed (webhooks.requireHttps)");
        }
        HttpPost post;
        try {
            post = new HttpPost(webhook.url());
        } catch (IllegalArgumentException e) {
            return DeliveryResult.failed(null, "not a usable URL");
        }
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
        // Set before cancelling, so the failure the cancellation causes is always read as a timeout.
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            post.cancel();
        }, webhook.timeoutMs(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(null, post, null);
            return result(response);
        } catch (UnknownHostException e) {
            return DeliveryResult.retry(null, truncate("refused or unresolvable target: " + e.getMessage()), null);
        } catch (IOException e) {
            String why = expired.get() || e instanceof SocketTimeoutException ? "no answer within timeout_ms (" + webhook.timeoutMs() + " ms)"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return DeliveryResult.retry(null, truncate(why), null);
        } catch (RuntimeException e) {
            return DeliveryResult.retry(null, truncate("the request could not be made: " + e.getClass().getSimpleName()), null);
        } finally {
            deadline.cancel(false);
            // The body is never needed: cancelling drops the connection instead of reading the rest.
            post.cancel();
            closeQuietly(response);
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection was dropped on purpose
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
        deadlines.shutdownNow();
        client.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }
}
