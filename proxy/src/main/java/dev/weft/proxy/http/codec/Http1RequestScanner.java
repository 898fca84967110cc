package dev.weft.proxy.http.codec;

import dev.weft.proxy.config.ProxyLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Checks the raw bytes of every HTTP/1.1 request strictly (RFC 9112, Envoy's choices where the RFC
 * leaves one) before Netty's codec sees them, so that nothing the codec would accept leniently
 * (obs-fold, bare LF, both Content-Length and Transfer-Encoding, ...) can be read one way here and
 * another way by the upstream. It sits in front of {@code HttpServerCodec} and passes bytes on
 * unchanged once they are known good: a request head only when it is complete and valid, body bytes
 * as they are framed. A bad request is never passed on: instead a {@link FullHttpRequest} whose
 * decoder result is an {@link HttpViolation} (status and reason) goes down the pipeline in the
 * request's place, the connection manager answers it and closes the connection, and everything the
 * client sends afterwards is discarded.
 *
 * <p>It also runs the two per-request timers that must see bytes: {@code request_headers_timeout}
 * (first byte to end of headers: slowloris) and {@code request_timeout} (first byte to the end of the
 * body: slow bodies); either answers 408.
 *
 * <p>A protocol upgrade (WebSocket) must remove it once the upstream agreed, with {@link #remove}.
 */
public final class Http1RequestScanner extends ChannelInboundHandlerAdapter {

    /** Its name in the pipeline. */
    public static final String NAME = "weft-http1-scanner";

    private static final int MAX_CHUNK_LINE_BYTES = 1024;
    private static final int MAX_LEADING_EMPTY_LINES = 2;
    private static final int MAX_METHOD_LENGTH = 32;

    /** Methods Envoy's HTTP/1 codec knows (http-parser's list); other tokens get 501. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
            "OPTIONS", "TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
            "SEARCH", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE", "MSEARCH", "M-SEARCH", "NOTIFY", "SUBSCRIBE",
            "UNSUBSCRIBE", "PURGE", "MKCALENDAR", "LINK", "UNLINK", "ACL", "BIND", "REBIND", "UNBIND");

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private enum State { REQUEST_LINE, HEADER_LINE, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER_LINE, FAILED }

    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyLimits.Http limits;
    private boolean requestSeen; // an HTTP/1.1 request began: the HTTP/2 preface is no longer possible

    private ByteBuf buffer;   // read, not yet passed on
    private int scanIndex;    // next byte of buffer to look at
    private int safeIndex;    // bytes of buffer before it are checked and may be passed on
    private int lineStart;    // start of the line being read (line states)
    private State state = State.REQUEST_LINE;

    // The request being read.
    private boolean started;
    private int emptyLines;
    private int headBytes;
    private int headerCount;
    private boolean http10;
    private int hosts;
    private boolean absoluteForm;
    private int contentLengths;
    private String contentLength;
    private StringBuilder transferEncoding;
    private long remaining;
    private long bodyBytes;
    // request_headers_timeout and request_timeout as deadlines (System.nanoTime; NO_DEADLINE: none)
    // checked by one timer per connection, re-armed only when it fires early: scheduling and
    // cancelling two timers per request was a visible share of the proxy's per-request CPU.
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private long headersDeadline = NO_DEADLINE;
    private long requestDeadline = NO_DEADLINE;
    private ScheduledFuture<?> timer;
    private long timerAt;

    public Http1RequestScanner(ProxyLimits.Http limits) {
        this.limits = limits;
    }

    /** Stops checking (after a protocol upgrade): bytes already held are passed on. */
    public static void remove(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) != null) {
            pipeline.remove(NAME);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.FAILED) {
            bytes.release();
            return;
        }
        if (buffer == null) {
            buffer = bytes;
            scanIndex = safeIndex = lineStart = bytes.readerIndex();
        } else {
            int base = buffer.readerIndex();
            buffer = ctx.alloc().compositeBuffer(2).addComponents(true, buffer, bytes);
            scanIndex -= base;
            safeIndex -= base;
            lineStart -= base;
        }
        if (!requestSeen) {
            int known = http2PrefaceBytes(buffer);
            if (known == HTTP2_PREFACE.length) {
                ctx.pipeline().remove(this); // HTTP/2 by prior knowledge: not ours (held bytes pass on)
                return;
            }
            if (known == buffer.readableBytes()) {
                return; // so far the bytes are the start of the HTTP/2 preface: wait for the rest
            }
        }
        requestSeen = true;
        HttpViolation violation = scan(ctx);
        passOn(ctx);
        // Passing a request on may have removed this handler (an h2c upgrade): the rest is not ours.
        if (violation != null && !ctx.isRemoved()) {
            fail(ctx, violation);
        }
    }

    /** How many of the buffer's first bytes match the HTTP/2 connection preface (RFC 9113 3.4). */
    private static int http2PrefaceBytes(ByteBuf bytes) {
        int n = Math.min(bytes.readableBytes(), HTTP2_PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (bytes.getByte(bytes.readerIndex() + i) != HTTP2_PREFACE[i]) {
                return i;
            }
        }
        return n;
    }

    // Passes checked bytes on; keeps (compacted) what is not checked yet: at most one request head or chunk line.
    private void passOn(ChannelHandlerContext ctx) {
        if (buffer == null) {
            return;
        }
        int ready = safeIndex - buffer.readerIndex();
        if (ready > 0) {
            ctx.fireChannelRead(buffer.readRetainedSlice(ready));
            if (buffer == null) {
                return; // removed while passing on (h2c upgrade): handlerRemoved passed the rest on
            }
        }
        int left = buffer.readableBytes();
        if (left == 0) {
            buffer.release();
            buffer = null;
            return;
        }
        if (ready > 0 || buffer instanceof io.netty.buffer.CompositeByteBuf) {
            int base = buffer.readerIndex();
            ByteBuf rest = ctx.alloc().buffer(left).writeBytes(buffer, base, left);
            buffer.release();
            buffer = rest;
            scanIndex -= base;
            safeIndex -= base;
            lineStart -= base;
        }
    }

    private HttpViolation scan(ChannelHandlerContext ctx) {
        int end = buffer.writerIndex();
        while (scanIndex < end) {
            if (!started && state == State.REQUEST_LINE) {
                startRequest(ctx);
            }
            HttpViolation violation = switch (state) {
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - scanIndex);
                    scanIndex += n;
                    safeIndex = scanIndex;
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.BODY) {
                            requestComplete();
                        } else {
                            state = State.CHUNK_DATA_END;
                            lineStart = scanIndex;
                        }
                    }
                    yield null;
                }
                case FAILED -> null;
                default -> line(end);
            };
            if (violation != null) {
                return violation;
            }
            if (state == State.FAILED) {
                return null;
            }
        }
        return null;
    }

    /** Reads up to the end of the current line if it is there; checks the line. */
    private HttpViolation line(int end) {
        int lf = buffer.indexOf(scanIndex, end, (byte) '\n');
        if (lf < 0) {
            scanIndex = end;
            return tooLong(end - lineStart);
        }
        HttpViolation tooLong = tooLong(lf + 1 - lineStart);
        if (tooLong != null) {
            return tooLong;
        }
        if (lf == lineStart || buffer.getByte(lf - 1) != '\r') {
            return new HttpViolation(400, "http1.codec_error: bare LF");
        }
        int contentEnd = lf - 1;
        if (buffer.indexOf(lineStart, contentEnd, (byte) '\r') >= 0) {
            return new HttpViolation(400, "http1.codec_error: bare CR");
        }
        scanIndex = lf + 1;
        int start = lineStart;
        lineStart = scanIndex;
        return switch (state) {
            case REQUEST_LINE -> requestLine(start, contentEnd);
            case HEADER_LINE -> headerLine(start, contentEnd, false);
            case CHUNK_SIZE -> chunkSize(start, contentEnd);
            case CHUNK_DATA_END -> {
                if (start != contentEnd) {
                    yield new HttpViolation(400, "http1.codec_error: chunk data longer than its size");
                }
                state = State.CHUNK_SIZE;
                safeIndex = scanIndex;
                yield null;
            }
            case TRAILER_LINE -> headerLine(start, contentEnd, true);
            default -> throw new IllegalStateException(state.name());
        };
    }

    private HttpViolation tooLong(int lineBytes) {
        return switch (state) {
            case REQUEST_LINE -> lineBytes > limits.maxRequestLineBytes()
                    ? new HttpViolation(414, "http1.request_line_too_long") : null;
            case HEADER_LINE, TRAILER_LINE -> headBytes + lineBytes > limits.maxRequestHeadBytes()
                    ? new HttpViolation(431, "http1.headers_too_large") : null;
            default -> lineBytes > MAX_CHUNK_LINE_BYTES
                    ? new HttpViolation(400, "http1.codec_error: chunk size line too long") : null;
        };
    }

    private HttpViolation requestLine(int start, int end) {
        headBytes += end + 2 - start;
        if (start == end) {
            // RFC 9112 2.2: an empty line before the request line is ignored (a few of them).
            return ++emptyLines > MAX_LEADING_EMPTY_LINES ? new HttpViolation(400, "http1.codec_error: empty lines")
                    : null;
        }
        String line = buffer.toString(start, end - start, StandardCharsets.ISO_8859_1);
        int firstSpace = line.indexOf(' ');
        int lastSpace = line.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace == firstSpace || line.indexOf(' ', firstSpace + 1) != lastSpace) {
            return new HttpViolation(400, "http1.codec_error: request line is not METHOD SP TARGET SP VERSION");
        }
        String method = line.substring(0, firstSpace);
        String target = line.substring(firstSpace + 1, lastSpace);
        String version = line.substring(lastSpace + 1);
        if (method.length() > MAX_METHOD_LENGTH || !isToken(method)) {
            return new HttpViolation(400, "http1.codec_error: invalid method");
        }
        HttpViolation badTarget = target(method, target);
        if (badTarget != null) {
            return badTarget;
        }
        String lowerTarget = target.toLowerCase(Locale.ROOT);
        absoluteForm = lowerTarget.startsWith("http://") || lowerTarget.startsWith("https://");
        if (version.length() != 8 || !version.startsWith("HTTP/") || !isDigit(version.charAt(5))
                || version.charAt(6) != '.' || !isDigit(version.charAt(7))) {
            return new HttpViolation(400, "http1.codec_error: invalid HTTP version");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            return new HttpViolation(505, "http1.codec_error: HTTP version not supported");
        }
        if (!KNOWN_METHODS.contains(method)) {
            return new HttpViolation(501, "http1.codec_error: method not implemented");
        }
        http10 = version.equals("HTTP/1.0");
        state = State.HEADER_LINE;
        return null;
    }

    /** origin-form, absolute-form (HTTP proxy clients), authority-form for CONNECT, {@code *} for OPTIONS. */
    private static HttpViolation target(String method, String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            // Visible ASCII only; not the characters RFC 3986 excludes that a proxy could be fooled by.
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '#') {
                return new HttpViolation(400, "http1.codec_error: invalid character in request target");
            }
        }
        String lower = target.toLowerCase(Locale.ROOT);
        boolean ok = method.equals("CONNECT")
                ? target.matches("[A-Za-z0-9.\\-]+:[0-9]{1,5}|\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5}")
                : target.startsWith("/") || target.equals("*") && method.equals("OPTIONS")
                        || (lower.startsWith("http://") || lower.startsWith("https://")) && target.indexOf("//") + 2 < target.length();
        return ok ? null : new HttpViolation(400, "http1.codec_error: invalid request target");
    }

    private HttpViolation headerLine(int start, int end, boolean trailer) {
        headBytes += end + 2 - start;
        if (start == end) {
            return trailer ? requestComplete() : endOfHead();
        }
        byte first = buffer.getByte(start);
        if (first == ' ' || first == '\t') {
            return new HttpViolation(400, "http1.codec_error: obs-fold or whitespace before a header name");
        }
        if (++headerCount > limits.maxHeadersCount()) {
            return new HttpViolation(431, "http1.too_many_headers");
        }
        int colon = start;
        while (colon < end && TCHAR[buffer.getByte(colon) & 0xff]) {
            colon++;
        }
        if (colon == start || colon == end || buffer.getByte(colon) != ':') {
            return new HttpViolation(400, "http1.codec_error: invalid header name");
        }
        for (int i = colon + 1; i < end; i++) {
            int c = buffer.getByte(i) & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return new HttpViolation(400, "http1.codec_error: invalid character in header value");
            }
        }
        if (trailer) {
            return null;
        }
        int nameLength = colon - start;
        if (nameLength != 4 && nameLength != 14 && nameLength != 17) {
            return null; // not Host, Content-Length or Transfer-Encoding: nothing to remember
        }
        String name = buffer.toString(start, nameLength, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        switch (name) {
            case "host" -> hosts++;
            case "content-length" -> {
                contentLengths++;
                contentLength = value(colon + 1, end);
            }
            case "transfer-encoding" -> {
                if (transferEncoding == null) {
                    transferEncoding = new StringBuilder(value(colon + 1, end));
                } else {
                    transferEncoding.append(',').append(value(colon + 1, end));
                }
            }
            default -> {
            }
        }
        return null;
    }

    private String value(int start, int end) {
        return buffer.toString(start, end - start, StandardCharsets.ISO_8859_1).strip();
    }

    private HttpViolation endOfHead() {
        headersDeadline = NO_DEADLINE;
        // An absolute-form target carries the authority (RFC 9112 3.2.2; Envoy takes it as Host).
        if (!http10 && hosts == 0 && !absoluteForm) {
            return new HttpViolation(400, "missing_host_header");
        }
        if (hosts > 1) {
            return new HttpViolation(400, "http1.codec_error: more than one Host header");
        }
        boolean chunked = false;
        long length = 0;
        if (transferEncoding != null) {
            if (http10) {
                return new HttpViolation(400, "http1.codec_error: Transfer-Encoding in an HTTP/1.0 request");
            }
            if (contentLengths > 0) {
                return new HttpViolation(400, "http1.content_length_and_chunked_not_allowed");
            }
            String[] codings = transferEncoding.toString().split(",", -1);
            for (String coding : codings) {
                if (!isToken(coding.strip())) {
                    return new HttpViolation(400, "http1.invalid_transfer_encoding");
                }
            }
            if (codings.length != 1 || !codings[0].strip().equalsIgnoreCase("chunked")) {
                return new HttpViolation(501, "http1.invalid_transfer_encoding");
            }
            chunked = true;
        } else if (contentLengths > 0) {
            if (contentLengths > 1) {
                return new HttpViolation(400, "http1.codec_error: more than one Content-Length");
            }
            if (contentLength.isEmpty() || contentLength.length() > 18
                    || !contentLength.chars().allMatch(Http1RequestScanner::isDigit)) {
                return new HttpViolation(400, "http1.invalid_content_length");
            }
            // No bound on the length: bodies stream (Envoy's behaviour), held back by backpressure.
            length = Long.parseLong(contentLength);
        }
        safeIndex = scanIndex;
        if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (length > 0) {
            state = State.BODY;
            remaining = length;
        } else {
            requestComplete();
        }
        return null;
    }

    private HttpViolation chunkSize(int start, int end) {
        long size = 0;
        int i = start;
        while (i < end && Character.digit(buffer.getByte(i), 16) >= 0) {
            if (i - start >= 15) {
                return new HttpViolation(400, "http1.codec_error: chunk size too long");
            }
            size = size * 16 + Character.digit(buffer.getByte(i), 16);
            i++;
        }
        if (i == start) {
            return new HttpViolation(400, "http1.codec_error: invalid chunk size");
        }
        // chunk-ext: BWS ";" name ["=" value]; checked for characters only (Envoy ignores extensions).
        int digitsEnd = i;
        while (i < end && (buffer.getByte(i) == ' ' || buffer.getByte(i) == '\t')) {
            i++;
        }
        if (i < end ? buffer.getByte(i) != ';' : i != digitsEnd) {
            return new HttpViolation(400, "http1.codec_error: invalid chunk size");
        }
        for (; i < end; i++) {
            int c = buffer.getByte(i) & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return new HttpViolation(400, "http1.codec_error: invalid chunk extension");
            }
        }
        bodyBytes += size;
        safeIndex = scanIndex;
        if (size == 0) {
            state = State.TRAILER_LINE;
        } else {
            state = State.CHUNK_DATA;
            remaining = size;
        }
        return null;
    }

    private void startRequest(ChannelHandlerContext ctx) {
        started = true;
        long now = System.nanoTime();
        headersDeadline = deadline(now, limits.requestHeadersTimeout());
        requestDeadline = deadline(now, limits.requestTimeout());
        armTimer(ctx, Math.min(headersDeadline, requestDeadline), now);
    }

    private static long deadline(long now, Duration timeout) {
        return timeout.isZero() ? NO_DEADLINE : now + timeout.toNanos();
    }

    private HttpViolation requestComplete() {
        headersDeadline = requestDeadline = NO_DEADLINE; // the timer, if armed, finds nothing due
        safeIndex = scanIndex;
        state = State.REQUEST_LINE;
        lineStart = scanIndex;
        started = false;
        emptyLines = headBytes = headerCount = hosts = contentLengths = 0;
        http10 = false;
        absoluteForm = false;
        contentLength = null;
        transferEncoding = null;
        remaining = bodyBytes = 0;
        return null;
    }

    /** Makes sure the timer fires by {@code at} (an armed timer due earlier serves). */
    private void armTimer(ChannelHandlerContext ctx, long at, long now) {
        if (at == NO_DEADLINE || timer != null && timerAt <= at) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        timer = ctx.executor().schedule(() -> timerFired(ctx), Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private void timerFired(ChannelHandlerContext ctx) {
        timer = null;
        if (state == State.FAILED || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (headersDeadline != NO_DEADLINE && headersDeadline - now <= 0) {
            timedOut(ctx, "request_header_timeout");
        } else if (requestDeadline != NO_DEADLINE && requestDeadline - now <= 0) {
            timedOut(ctx, "request_overall_timeout");
        } else {
            armTimer(ctx, Math.min(headersDeadline, requestDeadline), now);
        }
    }

    private void timedOut(ChannelHandlerContext ctx, String details) {
        passOn(ctx);
        fail(ctx, new HttpViolation(408, details));
    }

    private void cancelTimer() {
        headersDeadline = requestDeadline = NO_DEADLINE;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The request's place in the pipeline goes to its refusal; nothing more is read from this client. */
    private void fail(ChannelHandlerContext ctx, HttpViolation violation) {
        state = State.FAILED;
        cancelTimer();
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        FullHttpRequest refused = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        refused.setDecoderResult(DecoderResult.failure(violation));
        ctx.fireChannelRead(refused);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isToken(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 255 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        if (buffer != null) {
            ByteBuf left = buffer;
            buffer = null;
            if (state != State.FAILED && left.isReadable()) {
                ctx.fireChannelRead(left);
            } else {
                ReferenceCountUtil.release(left);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        ctx.fireChannelInactive();
    }
}
