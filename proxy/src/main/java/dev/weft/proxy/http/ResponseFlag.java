package dev.weft.proxy.http;

/** Envoy's response flags (what %RESPONSE_FLAGS% prints in an access log) that this proxy sets. */
public enum ResponseFlag {
    /** No route (virtual host or route) matched: 404. */
    NR,
    /** The route's cluster does not exist: 503. */
    NC,
    /** The cluster has no healthy host: 503. */
    UH,
    /** Upstream connection failure: 503. */
    UF,
    /** A circuit breaker overflowed: 503. */
    UO,
    /** Upstream connection terminated before a response: 503. */
    UC,
    /** Upstream request timeout: 504. */
    UT,
    /** Upstream protocol error: 502. */
    UPE,
    /** Downstream connection terminated before the response was sent (logged with response code 0). */
    DC,
    /** Downstream protocol error (malformed request): 400. */
    DPE,
    /** The fault filter delayed the request. */
    DI,
    /** The fault filter aborted the request. */
    FI,
    /** The retry limit was reached (the last attempt's failure or response is what was sent). */
    URX
}
