package dev.weft.proxy.accesslog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What one request leaves in the access log; {@link #format} writes Envoy's default format:
 *
 * <pre>
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 * %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
 * "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n
 * </pre>
 *
 * A missing value is {@code -}, as in Envoy. Null fields mean missing.
 */
public record AccessLogEntry(
        Instant startTime,
        String method,
        String path,
        String protocol,
        int responseCode,
        String responseFlags,
        long bytesReceived,
        long bytesSent,
        long durationMillis,
        String upstreamServiceTime,
        String forwardedFor,
        String userAgent,
        String requestId,
        String authority,
        String upstreamHost) {

    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    public String format() {
        return "[" + START_TIME.format(startTime) + "] \"" + v(method) + " " + v(path) + " " + v(protocol) + "\" "
                + responseCode + " " + v(responseFlags) + " " + bytesReceived + " " + bytesSent + " " + durationMillis
                + " " + v(upstreamServiceTime) + " \"" + v(forwardedFor) + "\" \"" + v(userAgent) + "\" \""
                + v(requestId) + "\" \"" + v(authority) + "\" \"" + v(upstreamHost) + "\"\n";
    }

    private static String v(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
