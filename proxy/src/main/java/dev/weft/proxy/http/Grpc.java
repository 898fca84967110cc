package dev.weft.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * gRPC as the proxy sees it: which requests are gRPC, how a local reply looks to a gRPC client
 * (HTTP 200, trailers-only, {@code grpc-status} and {@code grpc-message}, as Envoy sends), and the
 * {@code grpc-timeout} header.
 */
public final class Grpc {

    public static final String CONTENT_TYPE = "application/grpc";

    private Grpc() {
    }

    /** Envoy's rule: {@code application/grpc} or {@code application/grpc+<codec>} (not grpc-web). */
    public static boolean isGrpc(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, CONTENT_TYPE, 0, CONTENT_TYPE.length())
                && (type.length() == CONTENT_TYPE.length() || type.charAt(CONTENT_TYPE.length()) == '+'
                || type.charAt(CONTENT_TYPE.length()) == ';');
    }

    /** The gRPC status for a local reply's HTTP status (Envoy's Grpc::Utility::httpToGrpcStatus). */
    public static int statusFor(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 13; // INTERNAL
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404 -> 12; // UNIMPLEMENTED
            case 429, 502, 503, 504 -> 14; // UNAVAILABLE
            default -> 2; // UNKNOWN
        };
    }

    /** A trailers-only gRPC response standing for an HTTP local reply of {@code httpStatus}. */
    static FullHttpResponse localReply(int httpStatus, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .setInt("grpc-status", statusFor(httpStatus));
        if (message != null && !message.isEmpty()) {
            response.headers().set("grpc-message", percentEncode(message));
        }
        return response;
    }

    /** gRPC's percent-encoding of grpc-message: printable ASCII except '%' as is, the rest %XX of UTF-8. */
    static String percentEncode(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The {@code grpc-timeout} header (1 to 8 digits and a unit H, M, S, m, u, n); empty when absent
     * or malformed (Envoy ignores a malformed one).
     */
    public static Optional<Duration> timeout(HttpHeaders headers) {
        String value = headers.get("grpc-timeout");
        if (value == null || value.length() < 2 || value.length() > 9) {
            return Optional.empty();
        }
        long amount = 0;
        for (int i = 0; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
            amount = amount * 10 + (c - '0');
        }
        return switch (value.charAt(value.length() - 1)) {
            case 'H' -> Optional.of(Duration.ofHours(amount));
            case 'M' -> Optional.of(Duration.ofMinutes(amount));
            case 'S' -> Optional.of(Duration.ofSeconds(amount));
            case 'm' -> Optional.of(Duration.ofMillis(amount));
            case 'u' -> Optional.of(Duration.ofNanos(amount * 1_000));
            case 'n' -> Optional.of(Duration.ofNanos(amount));
            default -> Optional.empty();
        };
    }

    /**
     * Envoy's route timeout for a request: for a gRPC request on a route with
     * {@code max_stream_duration.grpc_timeout_header_max}, the client's {@code grpc-timeout} (none:
     * no timeout), capped by that maximum unless it is zero; otherwise the route's {@code timeout}.
     */
    public static Duration routeTimeout(HttpHeaders request, Duration routeTimeout, Optional<Duration> grpcHeaderMax) {
        if (grpcHeaderMax.isEmpty() || !isGrpc(request)) {
            return routeTimeout;
        }
        Duration max = grpcHeaderMax.get();
        Duration asked = timeout(request).orElse(Duration.ZERO);
        if (!max.isZero() && (asked.isZero() || asked.compareTo(max) > 0)) {
            return max;
        }
        return asked;
    }
}
