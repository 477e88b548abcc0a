package com.stateset.sandbox.server;

import com.stateset.sandbox.server.core.SandboxStates;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.events.EventDispatcher;
import com.stateset.sandbox.server.events.EventSequencer;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.events.WebhookCredentials;
import com.stateset.sandbox.server.events.WebhookSender;
import com.stateset.sandbox.server.events.WebhookTargets;
import com.stateset.sandbox.spi.events.EventSink;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Events from the outbox on: {@link Events} records them with the change they report, the
 * dispatcher delivers them to webhooks and to the sinks, the sequencer numbers them for the live
 * streams. {@code states} moves sandboxes between states and says so.
 */
record EventPipeline(Events events, SandboxStates states, EventDispatcher dispatcher, EventSequencer sequencer,
        WebhookTargets targets, WebhookSender sender, WebhookCredentials credentials) {

    /** @param cipher seals webhook credentials; null where no secrets key is set */
    static EventPipeline start(SandboxConfiguration config, Environment environment, Jdbi jdbi, Clock clock,
            Map<String, EventSink> sinks, SecretCipher cipher) {
        WebhookCredentials credentials = new WebhookCredentials(cipher);
        WebhookTargets targets = new WebhookTargets(config.webhooks().allowPrivateTargets(), config.webhooks().requireHttps());
        WebhookSender sender = new WebhookSender(targets, config.webhooks().maxConcurrentDeliveries(), clock);
        EventDispatcher dispatcher = new EventDispatcher(jdbi, sender, sinks, environment.getObjectMapper(), clock,
                Duration.ofMillis(config.webhooks().pollMillis()), config.webhooks().maxConcurrentDeliveries(), credentials);
        environment.lifecycle().manage(dispatcher);
        EventSequencer sequencer = new EventSequencer(jdbi);
        environment.lifecycle().manage(sequencer);
        Events events = new Events(jdbi, clock, environment.getObjectMapper(), List.copyOf(sinks.keySet()), dispatcher::wake,
                sequencer::wake);
        return new EventPipeline(events, new SandboxStates(jdbi, events, clock), dispatcher, sequencer, targets, sender, credentials);
    }
}
