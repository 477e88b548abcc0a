package com.stateset.sandbox.spi.events;

import com.stateset.sandbox.spi.ExtensionFactory;

/** Creates an {@link EventSink} listed under {@code events.sinks} in the server configuration. */
public interface EventSinkFactory<C> extends ExtensionFactory<EventSink, C> {
}
