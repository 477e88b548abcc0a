package com.stateset.sandbox.server.http;

import java.util.regex.Pattern;
import org.slf4j.MDC;

/** The request id of the request being served on this thread, kept in the logging context. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";
    private static final Pattern ACCEPTABLE = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

    private RequestIds() {
    }

    public static String current() {
        String id = MDC.get(MDC_KEY);
        return id == null ? "" : id;
    }

    /** The client's id when it is a sane token; otherwise a new one. */
    public static String accept(String offered) {
        if (offered != null && ACCEPTABLE.matcher(offered).matches()) {
            return offered;
        }
        return com.stateset.sandbox.server.model.Ids.newId("req");
    }
}
