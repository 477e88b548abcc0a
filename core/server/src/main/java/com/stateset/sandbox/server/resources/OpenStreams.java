package com.stateset.sandbox.server.resources;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The server-sent event streams relayed from sandboxes that are open, to end them all when the server stops. */
public final class OpenStreams {

    private final Set<SseRelay> relays = ConcurrentHashMap.newKeySet();

    void add(SseRelay relay) {
        relays.add(relay);
    }

    void remove(SseRelay relay) {
        relays.remove(relay);
    }

    /** Ends every stream (what they stream from goes on): the server is stopping, and must not wait for them. */
    public void endAll() {
        relays.forEach(SseRelay::end);
    }
}
