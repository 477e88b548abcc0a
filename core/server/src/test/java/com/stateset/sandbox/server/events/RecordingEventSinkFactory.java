package com.stateset.sandbox.server.events;

import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.events.DeliveryResult;
import com.stateset.sandbox.spi.events.Event;
import com.stateset.sandbox.spi.events.EventSink;
import com.stateset.sandbox.spi.events.EventSinkFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pf4j.Extension;

/** A test event sink found like a plugin's (PF4J's extension index): it keeps every event it is given. */
@Extension
public final class RecordingEventSinkFactory implements EventSinkFactory<RecordingEventSinkFactory.Config> {

    /** Every event delivered to any recording sink in this JVM. */
    public static final List<Event> EVENTS = new CopyOnWriteArrayList<>();

    /** No settings. */
    public record Config() {
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public EventSink create(Config config, PluginContext context) {
        return new EventSink() {
            @Override
            public DeliveryResult deliver(Event event) {
                EVENTS.add(event);
                return DeliveryResult.delivered(null);
            }

            @Override
            public void close() {
            }
        };
    }
}
