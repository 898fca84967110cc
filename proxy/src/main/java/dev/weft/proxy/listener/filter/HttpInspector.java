package dev.weft.proxy.listener.filter;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Envoy's {@code http_inspector}: tells HTTP/1.x and h2c (the HTTP/2 connection preface) from
 * anything else by the first bytes. HTTP/1.x is a request line {@code METHOD SP target SP HTTP/1.x
 * CRLF} with a token method; the decision is made at the first byte that cannot be HTTP, so a
 * non-HTTP client that speaks first is known at once.
 */
public final class HttpInspector {

    /** Envoy reads at most this much of a request line before giving up. */
    public static final int MAX_REQUEST_LINE = 8 * 1024;
    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private HttpInspector() {
    }

    public static Inspection inspect(ByteBuf data) {
        int start = data.readerIndex();
        int readable = data.readableBytes();
        int preface = Math.min(readable, H2_PREFACE.length);
        boolean prefaceSoFar = true;
        for (int i = 0; i < preface && prefaceSoFar; i++) {
            prefaceSoFar = data.getByte(start + i) == H2_PREFACE[i];
        }
        if (prefaceSoFar) {
            return readable >= H2_PREFACE.length ? new Inspection.Http("h2c") : Inspection.NEED_MORE;
        }
        // METHOD
        int i = 0;
        while (i < readable && isTokenChar(data.getByte(start + i))) {
            i++;
        }
        if (i == readable) {
            return i > MAX_REQUEST_LINE ? Inspection.NOT_DETECTED : Inspection.NEED_MORE;
        }
        if (i == 0 || data.getByte(start + i) != ' ') {
            return Inspection.NOT_DETECTED;
        }
        i++;
        // request-target: visible ASCII
        int targetStart = i;
        while (i < readable && data.getByte(start + i) > ' ' && data.getByte(start + i) < 0x7f) {
            i++;
        }
        if (i == readable) {
            return i > MAX_REQUEST_LINE ? Inspection.NOT_DETECTED : Inspection.NEED_MORE;
        }
        if (i == targetStart || data.getByte(start + i) != ' ') {
            return Inspection.NOT_DETECTED;
        }
        i++;
        byte[] version = "HTTP/1.x\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int v = 0; v < version.length; v++, i++) {
            if (i == readable) {
                return Inspection.NEED_MORE;
            }
            byte b = data.getByte(start + i);
            if (v == 7) {
                if (b != '0' && b != '1') {
                    return Inspection.NOT_DETECTED;
                }
                version[7] = b;
            } else if (b != version[v]) {
                return Inspection.NOT_DETECTED;
            }
        }
        return new Inspection.Http(version[7] == '0' ? "http/1.0" : "http/1.1");
    }

    // RFC 9110 token characters.
    private static boolean isTokenChar(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
}
