package com.stateset.sandbox.server.http;

/**
 * A POST with an {@code Idempotency-Key} that is being answered for the first time: its answer is
 * kept by {@link #complete} (so that a retry gets it again) or, for an answer a retry may do better
 * than, given up by {@link #release}.
 */
public interface IdempotentCall {

    void complete(int status, String contentType, byte[] body);

    void release();
}
