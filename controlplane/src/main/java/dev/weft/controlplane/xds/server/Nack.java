package dev.weft.controlplane.xds.server;

import java.time.Instant;

/**
 * A rejection: the proxy answered the response {@code nonce} (carrying {@code version}) with an
 * error_detail.
 *
 * @param version  the version that was rejected
 * @param nonce    the nonce of the rejected response
 * @param code     the error_detail's gRPC status code (3 = INVALID_ARGUMENT is what clients send)
 * @param message  the error_detail's message: the proxy's own explanation
 * @param at       when the rejection arrived
 */
public record Nack(String version, String nonce, int code, String message, Instant at) {
}
