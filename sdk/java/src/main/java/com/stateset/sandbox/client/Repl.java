package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.stateset.sandbox.api.ReplView;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Persistent interpreters: variables, imports and definitions stay from one cell to the next. */
public final class Repl {

    private final Transport http;

    Repl(Transport http) {
        this.http = http;
    }

    /** Starts an interpreter: {@code python} or {@code node}. */
    public ReplView.Session create(String sandboxId, String language) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/repl/sessions")
                .json(new ReplView.Create(language, null)), ReplView.Session.class);
    }

    /** The sandbox's sessions, oldest first, ended ones included. */
    public List<ReplView.Session> list(String sandboxId) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/repl/sessions"), ReplView.Sessions.class).sessions();
    }

    public ReplView.Session get(String sandboxId, String sessionId) {
        return http.json(new Transport.Call("GET", path(sandboxId, sessionId, "")), ReplView.Session.class);
    }

    /** Runs a cell; past {@code timeout} it is stopped (status timeout) and the session stays usable. */
    public ReplView.Result run(String sandboxId, String sessionId, String code, Duration timeout) {
        return http.json(new Transport.Call("POST", path(sandboxId, sessionId, "/execute"))
                .json(new ReplView.Execute(code, timeout.toMillis(), null, null)).timeout(http.atLeast(timeout.plusSeconds(30))),
                ReplView.Result.class);
    }

    /** Interrupts the running cell, which then answers status error. */
    public void interrupt(String sandboxId, String sessionId) {
        http.json(new Transport.Call("POST", path(sandboxId, sessionId, "/interrupt")), Map.class);
    }

    /** Stops the interpreter; the session stays listed, ended. */
    public void delete(String sandboxId, String sessionId) {
        http.json(new Transport.Call("DELETE", path(sandboxId, sessionId, "")), Map.class);
    }

    private static String path(String sandboxId, String sessionId, String rest) {
        return "/sandbox/" + segment(sandboxId) + "/repl/sessions/" + segment(sessionId) + rest;
    }
}
