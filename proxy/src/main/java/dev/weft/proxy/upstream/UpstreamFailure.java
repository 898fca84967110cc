package dev.weft.proxy.upstream;

/**
 * Why a request got no response from upstream, with the Envoy response flag and the local reply
 * Envoy sends for it.
 */
public final class UpstreamFailure extends Exception {

    /** Envoy's response flags for upstream failures. */
    public enum Kind {
        /** UF: the connection could not be established. */
        CONNECT_FAILURE("UF", 503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
        /** UO: a circuit breaker (connections, pending, requests) is full. */
        OVERFLOW("UO", 503, "upstream connect error or disconnect/reset before headers. reset reason: overflow"),
        /** UC: the connection closed before a response. */
        CONNECTION_TERMINATION("UC", 503,
                "upstream connect error or disconnect/reset before headers. reset reason: connection termination"),
        /** UT: no response within the route's timeout. */
        TIMEOUT("UT", 504, "upstream request timeout"),
        /** UPE: the response was not valid HTTP/1.1 or too large. */
        PROTOCOL_ERROR("UPE", 502, "upstream sent an invalid or oversized response");

        private final String flag;
        private final int status;
        private final String body;

        Kind(String flag, int status, String body) {
            this.flag = flag;
            this.status = status;
            this.body = body;
        }

        public String flag() {
            return flag;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

    private final Kind kind;
    /** Whether the failed request may be sent again (nothing reached the upstream application). */
    private final boolean retriable;

    public UpstreamFailure(Kind kind, String detail, boolean retriable) {
        super(kind.flag() + ": " + detail, null, false, false);
        this.kind = kind;
        this.retriable = retriable;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retriable() {
        return retriable;
    }
}
