package dev.weft.proxy.http.codec;

import io.netty.handler.codec.DecoderException;

/**
 * Why a request was refused before it reached the filter chain: the status to answer (400, 408, 413,
 * 414, 431, 501, 505) and a short reason for the body, as Envoy's {@code response_code_details}
 * ({@code http1.invalid_transfer_encoding}, ...). The connection is closed after the answer.
 */
public final class HttpViolation extends DecoderException {

    private final int status;
    private final String details;

    public HttpViolation(int status, String details) {
        super(details, null);
        this.status = status;
        this.details = details;
    }

    public int status() {
        return status;
    }

    /** Envoy-style response code details: {@code http1.codec_error}, {@code request_headers_timeout}, ... */
    public String details() {
        return details;
    }

    // Thrown once per bad request on a hot path: no stack trace to fill.
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
