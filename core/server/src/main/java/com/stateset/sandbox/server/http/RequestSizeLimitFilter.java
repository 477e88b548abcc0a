package com.stateset.sandbox.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ErrorResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * Refuses request bodies over the configured size: at once when {@code Content-Length} says so,
 * otherwise as soon as the body being read passes the limit. A file's bytes streamed into a sandbox
 * ({@code PUT .../files/raw}, never held whole) have a limit of their own.
 */
public final class RequestSizeLimitFilter implements Filter {

    private static final java.util.regex.Pattern STREAMED = java.util.regex.Pattern.compile("/api/v1/sandbox/[^/]+/files/raw");

    private final long maxBytes;
    private final long maxStreamedBytes;
    private final ObjectMapper mapper;

    public RequestSizeLimitFilter(long maxBytes, long maxStreamedBytes, ObjectMapper mapper) {
        this.maxBytes = maxBytes;
        this.maxStreamedBytes = maxStreamedBytes;
        this.mapper = mapper;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        long maxBytes = "PUT".equals(http.getMethod()) && STREAMED.matcher(http.getRequestURI()).matches() ? maxStreamedBytes : this.maxBytes;
        if (http.getContentLengthLong() > maxBytes) {
            HttpServletResponse out = (HttpServletResponse) response;
            out.setStatus(413);
            out.setContentType("application/json");
            out.setHeader("Connection", "close");
            mapper.writeValue(out.getOutputStream(), ErrorResponse.of(ErrorCodes.PAYLOAD_TOO_LARGE,
                    "request body: larger than the limit of " + maxBytes + " bytes", RequestIds.current(),
                    Map.of("limit_bytes", maxBytes)));
            return;
        }
        chain.doFilter(new LimitedRequest(http, maxBytes), response);
    }

    /** Thrown while reading a body that has passed the limit. */
    public static final class PayloadTooLargeException extends IOException {
        private final long limit;

        PayloadTooLargeException(long limit) {
            super("request body larger than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long maxBytes;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedInputStream(super.getInputStream(), maxBytes);
            }
            return stream;
        }
    }

    private static final class LimitedInputStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long maxBytes;
        private long read;

        LimitedInputStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws PayloadTooLargeException {
            read += n;
            if (read > maxBytes) {
                throw new PayloadTooLargeException(maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
