package dev.weft.proxy.http.codec;

import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.http.AbsoluteUrlHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The downstream HTTP/1.1 request decoder: reads the raw bytes of every request strictly (RFC 9112,
 * Envoy's choices where the RFC leaves one) and makes Netty's message objects of them itself, so the
 * bytes are scanned once and nothing a lenient parser would accept (obs-fold, bare LF, both
 * Content-Length and Transfer-Encoding, ...) can be read one way here and another way by the
 * upstream. A request head goes on only when it is complete and valid, as a {@link DefaultHttpRequest}
 * (headers as read, values stripped of OWS, not validated a second time); its body as
 * {@link DefaultHttpContent}s that are slices of the read buffers (no copy), then a
 * {@link LastHttpContent} (with the trailers of a chunked body); a request without body goes on as one
 * {@link FullHttpRequest}. A bad request is never passed on: instead a
 * {@link FullHttpRequest} whose decoder result is an {@link HttpViolation} (status and reason) goes
 * down the pipeline in the request's place, the connection manager answers it and closes the
 * connection, and everything the client sends afterwards is discarded.
 *
 * <p>It also runs the two per-request timers that must see bytes: {@code request_headers_timeout}
 * (first byte to end of headers: slowloris) and {@code request_timeout} (first byte to the end of the
 * body: slow bodies); either answers 408.
 *
 * <p>It tells the {@link Http1ResponseEncoder} each request's method (HEAD and CONNECT answers are
 * encoded differently); on a cleartext port it hands the connection to HTTP/2 when the client starts
 * with the HTTP/2 preface (prior knowledge), and puts the h2c or WebSocket upgrade handler behind
 * itself for the first request that asks {@code Upgrade: h2c} or {@code websocket} (only then: no
 * other request passes through them); in HTTP_PROXY
 * mode it turns absolute-form targets into origin-form ({@link AbsoluteUrlHandler#toOriginForm}).
 *
 * <p>A protocol upgrade (WebSocket, h2c) must remove it once the other side agreed, with {@link #remove}:
 * the bytes it holds, not read yet, pass on as they came.
 */
public final class Http1RequestScanner extends ChannelInboundHandlerAdapter {

    /** Its name in the pipeline. */
    public static final String NAME = "weft-http1-scanner";
    /** The name of the h2c upgrade handler it adds for an {@code Upgrade: h2c} request. */
    public static final String H2C_UPGRADE_NAME = "weft-h2c-upgrade";
    /** The name of the WebSocket upgrade handler it adds for an {@code Upgrade: websocket} request. */
    public static final String WEBSOCKET_UPGRADE_NAME = "weft-websocket-upgrade";

    /** What else the scanner does on a connection besides HTTP/1.1 (null: nothing). */
    public record Options(boolean absoluteUrls, Supplier<ChannelHandler> http2PriorKnowledge,
            Function<HttpServerUpgradeHandler.SourceCodec, ChannelHandler> h2cUpgrade,
            Supplier<ChannelHandler> webSocketUpgrade) {

        /** HTTP/1.1 only (TLS with ALPN http/1.1, tests): no HTTP/2, WebSocket upgrades if given. */
        public static Options http1Only(boolean absoluteUrls, Supplier<ChannelHandler> webSocketUpgrade) {
            return new Options(absoluteUrls, null, null, webSocketUpgrade);
        }
    }

    private static final int MAX_CHUNK_LINE_BYTES = 1024;
    private static final int MAX_LEADING_EMPTY_LINES = 2;
    private static final int MAX_METHOD_LENGTH = 32;

    /** Headers as read: the scanner checked every name and value already. */
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final DefaultHttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

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

    /** Lines up to this long are copied into the connection's own array to be read; longer ones into a new one. */
    private static final int KEPT_LINE_BYTES = 1024;

    private enum State { REQUEST_LINE, HEADER_LINE, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER_LINE, FAILED }

    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyLimits.Http limits;
    private final Http1ResponseEncoder encoder;
    private final Options options;
    private boolean requestSeen; // an HTTP/1.1 request began: the HTTP/2 preface is no longer possible
    private boolean passedOn;    // a message went on since the last read completed
    private byte[] line = new byte[128]; // the line being read, copied out of the buffer (one copy, no per-byte bounds checks)

    // Read, not passed on yet: from readerIndex, the line being read (line states) or nothing.
    private ByteBuf buffer;
    private int scanIndex;    // next byte of buffer to look at
    private int lineStart;    // start of the line being read (line states)
    private State state = State.REQUEST_LINE;

    // The request being read.
    private boolean started;
    private int emptyLines;
    private int headBytes;
    private int headerCount;
    private HttpVersion version;
    private HttpMethod method;
    private String uri;
    private HttpHeaders headers;
    private HttpHeaders trailers;
    private boolean headPassed; // the head went on: a violation now aborts the request its handler holds
    private int hosts;
    private boolean absoluteForm;
    private boolean h2c;
    private boolean webSocket;
    private int contentLengths;
    private String contentLength;
    private StringBuilder transferEncoding;
    private long remaining;
    // request_headers_timeout and request_timeout as deadlines (System.nanoTime; NO_DEADLINE: none)
    // checked by one timer per connection, re-armed only when it fires early: scheduling and
    // cancelling two timers per request was a visible share of the proxy's per-request CPU.
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private long headersDeadline = NO_DEADLINE;
    private long requestDeadline = NO_DEADLINE;
    private ScheduledFuture<?> timer;
    private long timerAt;

    public Http1RequestScanner(ProxyLimits.Http limits, Http1ResponseEncoder encoder, Options options) {
        this.limits = limits;
        this.encoder = encoder;
        this.options = options;
    }

    /**
     * The HTTP/1.1 handlers of a connection, where its pipeline's HTTP handling starts: the response
     * encoder, then this scanner.
     */
    public static void install(ChannelPipeline pipeline, ProxyLimits.Http limits, Options options) {
        Http1ResponseEncoder encoder = new Http1ResponseEncoder();
        pipeline.addLast(Http1ResponseEncoder.NAME, encoder)
                .addLast(NAME, new Http1RequestScanner(limits, encoder, options));
    }

    /** Stops decoding (after a protocol upgrade): bytes held, not read yet, are passed on as they came. */
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
            scanIndex = lineStart = bytes.readerIndex();
        } else {
            int base = buffer.readerIndex();
            buffer = ctx.alloc().compositeBuffer(2).addComponents(true, buffer, bytes);
            scanIndex -= base;
            lineStart -= base;
        }
        if (!requestSeen && options.http2PriorKnowledge() != null) {
            int known = http2PrefaceBytes(buffer);
            if (known == HTTP2_PREFACE.length) {
                // HTTP/2 by prior knowledge: not ours (the held bytes pass on to the HTTP/2 codec).
                // The encoder goes first: the HTTP/2 codec writes its SETTINGS as soon as it is added.
                ctx.pipeline().remove(Http1ResponseEncoder.NAME);
                ctx.pipeline().addAfter(ctx.name(), null, options.http2PriorKnowledge().get());
                ctx.pipeline().remove(this);
                return;
            }
            if (known == buffer.readableBytes()) {
                return; // so far the bytes are the start of the HTTP/2 preface: wait for the rest
            }
        }
        requestSeen = true;
        HttpViolation violation = scan(ctx);
        if (ctx.isRemoved()) {
            return; // passing a request on removed this handler (an h2c upgrade): the rest is not ours
        }
        if (violation != null) {
            fail(ctx, violation);
        } else {
            compact(ctx);
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

    // Keeps (compacted) what is not read yet: at most one line, of a request head or a chunk.
    private void compact(ChannelHandlerContext ctx) {
        int left = buffer.readableBytes();
        if (left == 0) {
            buffer.release();
            buffer = null;
            return;
        }
        int base = buffer.readerIndex();
        if (base > 0 || buffer instanceof CompositeByteBuf) {
            ByteBuf rest = ctx.alloc().buffer(left).writeBytes(buffer, base, left);
            buffer.release();
            buffer = rest;
            scanIndex -= base;
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
                    data(ctx, end);
                    yield null;
                }
                case FAILED -> null;
                default -> line(ctx, end);
            };
            if (violation != null || state == State.FAILED || ctx.isRemoved()) {
                return violation;
            }
        }
        return null;
    }

    /** Body bytes: passed on as a slice of the read buffer. */
    private void data(ChannelHandlerContext ctx, int end) {
        int n = (int) Math.min(remaining, end - scanIndex);
        ByteBuf data = buffer.retainedSlice(scanIndex, n);
        scanIndex += n;
        lineStart = scanIndex;
        buffer.readerIndex(scanIndex);
        remaining -= n;
        if (remaining > 0) {
            fire(ctx, new DefaultHttpContent(data));
        } else if (state == State.BODY) {
            requestComplete();
            fire(ctx, new DefaultLastHttpContent(data, EmptyHttpHeaders.INSTANCE));
        } else {
            state = State.CHUNK_DATA_END;
            fire(ctx, new DefaultHttpContent(data));
        }
    }

    /** Reads up to the end of the current line if it is there; checks the line. */
    private HttpViolation line(ChannelHandlerContext ctx, int end) {
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
        HttpViolation violation = switch (state) {
            case REQUEST_LINE -> requestLine(start, contentEnd);
            case HEADER_LINE -> headerLine(start, contentEnd, false);
            case CHUNK_SIZE -> chunkSize(start, contentEnd);
            case CHUNK_DATA_END -> {
                if (start != contentEnd) {
                    yield new HttpViolation(400, "http1.codec_error: chunk data longer than its size");
                }
                state = State.CHUNK_SIZE;
                yield null;
            }
            case TRAILER_LINE -> headerLine(start, contentEnd, true);
            default -> throw new IllegalStateException(state.name());
        };
        if (violation != null) {
            return violation;
        }
        // The line is read (what it says is kept as strings): its bytes are no longer needed.
        buffer.readerIndex(scanIndex);
        if (start == contentEnd) {
            if (state == State.HEADER_LINE) {
                return endOfHead(ctx);
            }
            if (state == State.TRAILER_LINE) {
                LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER,
                        trailers != null ? trailers : EmptyHttpHeaders.INSTANCE);
                requestComplete();
                fire(ctx, last);
            }
        }
        return null;
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
        String line = new String(copyLine(start, end), 0, end - start, StandardCharsets.ISO_8859_1);
        int firstSpace = line.indexOf(' ');
        int lastSpace = line.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace == firstSpace || line.indexOf(' ', firstSpace + 1) != lastSpace) {
            return new HttpViolation(400, "http1.codec_error: request line is not METHOD SP TARGET SP VERSION");
        }
        String methodName = line.substring(0, firstSpace);
        String target = line.substring(firstSpace + 1, lastSpace);
        if (methodName.length() > MAX_METHOD_LENGTH || !isToken(methodName)) {
            return new HttpViolation(400, "http1.codec_error: invalid method");
        }
        HttpViolation badTarget = target(methodName, target);
        if (badTarget != null) {
            return badTarget;
        }
        absoluteForm = isAbsoluteForm(target);
        int v = lastSpace + 1;
        if (line.length() - v != 8 || !line.startsWith("HTTP/", v) || !isDigit(line.charAt(v + 5))
                || line.charAt(v + 6) != '.' || !isDigit(line.charAt(v + 7))) {
            return new HttpViolation(400, "http1.codec_error: invalid HTTP version");
        }
        if (line.charAt(v + 5) != '1' || line.charAt(v + 7) != '1' && line.charAt(v + 7) != '0') {
            return new HttpViolation(505, "http1.codec_error: HTTP version not supported");
        }
        HttpMethod known = HttpMethod.valueOf(methodName); // Netty's constant for the common ones
        if (!isNettyConstant(known) && !KNOWN_METHODS.contains(methodName)) {
            return new HttpViolation(501, "http1.codec_error: method not implemented");
        }
        version = line.charAt(v + 7) == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        method = known;
        uri = target;
        headers = HEADERS.newHeaders();
        state = State.HEADER_LINE;
        return null;
    }

    private static boolean isNettyConstant(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.POST || method == HttpMethod.HEAD
                || method == HttpMethod.PUT || method == HttpMethod.DELETE || method == HttpMethod.OPTIONS
                || method == HttpMethod.PATCH || method == HttpMethod.CONNECT || method == HttpMethod.TRACE;
    }

    private static boolean isAbsoluteForm(String target) {
        return target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8);
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
        boolean ok = method.equals("CONNECT")
                ? target.matches("[A-Za-z0-9.\\-]+:[0-9]{1,5}|\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5}")
                : target.startsWith("/") || target.equals("*") && method.equals("OPTIONS")
                        || isAbsoluteForm(target) && target.indexOf("//") + 2 < target.length();
        return ok ? null : new HttpViolation(400, "http1.codec_error: invalid request target");
    }

    private HttpViolation headerLine(int start, int end, boolean trailer) {
        headBytes += end + 2 - start;
        if (start == end) {
            return null; // the end of the head or of the trailers: the caller passes it on
        }
        int length = end - start;
        byte[] bytes = copyLine(start, end);
        if (bytes[0] == ' ' || bytes[0] == '\t') {
            return new HttpViolation(400, "http1.codec_error: obs-fold or whitespace before a header name");
        }
        if (++headerCount > limits.maxHeadersCount()) {
            return new HttpViolation(431, "http1.too_many_headers");
        }
        int colon = 0;
        while (colon < length && TCHAR[bytes[colon] & 0xff]) {
            colon++;
        }
        if (colon == 0 || colon == length || bytes[colon] != ':') {
            return new HttpViolation(400, "http1.codec_error: invalid header name");
        }
        for (int i = colon + 1; i < length; i++) {
            int c = bytes[i] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return new HttpViolation(400, "http1.codec_error: invalid character in header value");
            }
        }
        // The value without its surrounding OWS (RFC 9112 5.1), as Netty's decoder took it.
        int valueStart = colon + 1;
        int valueEnd = length;
        while (valueStart < valueEnd && isOws(bytes[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && isOws(bytes[valueEnd - 1])) {
            valueEnd--;
        }
        int nameLength = colon;
        // ISO-8859-1: one char per byte, what Netty's decoder made of them (and the JDK's cheapest String).
        String name = new String(bytes, 0, nameLength, StandardCharsets.ISO_8859_1);
        String value = valueStart == valueEnd ? ""
                : new String(bytes, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
        if (trailer) {
            // Framing fields have no meaning in trailers (RFC 9110 6.5.1): dropped, as Netty's decoder does.
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                    && !name.equalsIgnoreCase("trailer")) {
                if (trailers == null) {
                    trailers = TRAILERS.newHeaders();
                }
                trailers.add(name, value);
            }
            return null;
        }
        headers.add(name, value);
        switch (nameLength) {
            case 4 -> {
                if (name.equalsIgnoreCase("host")) {
                    hosts++;
                }
            }
            case 7 -> {
                if (name.equalsIgnoreCase("upgrade")) {
                    String protocols = value.toLowerCase(Locale.ROOT);
                    h2c |= protocols.contains("h2c");
                    webSocket |= protocols.contains("websocket");
                }
            }
            case 14 -> {
                if (name.equalsIgnoreCase("content-length")) {
                    contentLengths++;
                    contentLength = value;
                }
            }
            case 17 -> {
                if (name.equalsIgnoreCase("transfer-encoding")) {
                    if (transferEncoding == null) {
                        transferEncoding = new StringBuilder(value);
                    } else {
                        transferEncoding.append(',').append(value);
                    }
                }
            }
            default -> {
            }
        }
        return null;
    }

    /** The bytes of a line, from the buffer to an array read without bounds checks per byte. */
    private byte[] copyLine(int start, int end) {
        int length = end - start;
        byte[] bytes = line;
        if (length > bytes.length) {
            bytes = new byte[length];
            if (length <= KEPT_LINE_BYTES) {
                line = bytes;
            }
        }
        buffer.getBytes(start, bytes, 0, length);
        return bytes;
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    private HttpViolation endOfHead(ChannelHandlerContext ctx) {
        headersDeadline = NO_DEADLINE;
        boolean http10 = version == HttpVersion.HTTP_1_0;
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
        // A request without body goes on whole, in one message (as an HTTP/2 request with END_STREAM does).
        HttpRequest request = chunked || length > 0
                ? new DefaultHttpRequest(version, method, uri, headers, false)
                : new DefaultFullHttpRequest(version, method, uri, Unpooled.EMPTY_BUFFER, headers,
                        EmptyHttpHeaders.INSTANCE, false);
        if (absoluteForm && options.absoluteUrls()) {
            AbsoluteUrlHandler.toOriginForm(request); // HTTP_PROXY mode (a bad URL: a failed decoder result)
        }
        boolean upgradeH2c = h2c && options.h2cUpgrade() != null;
        boolean upgradeWebSocket = webSocket && options.webSocketUpgrade() != null;
        if (chunked) {
            state = State.CHUNK_SIZE;
            headPassed = true;
        } else if (length > 0) {
            state = State.BODY;
            remaining = length;
            headPassed = true;
        } else {
            requestComplete();
        }
        encoder.requested(request.method());
        // The upgrade handlers are put behind the scanner for the first request that asks for their
        // protocol only: no other request passes through them.
        if (upgradeH2c && ctx.pipeline().get(H2C_UPGRADE_NAME) == null) {
            // It aggregates the request (up to its limit), answers 101 and installs HTTP/2, or passes
            // the request on as a FullHttpRequest.
            ctx.pipeline().addAfter(ctx.name(), H2C_UPGRADE_NAME, options.h2cUpgrade().apply(encoder));
        }
        if (upgradeWebSocket && ctx.pipeline().get(WEBSOCKET_UPGRADE_NAME) == null) {
            String after = ctx.pipeline().get(H2C_UPGRADE_NAME) != null ? H2C_UPGRADE_NAME : ctx.name();
            ctx.pipeline().addAfter(after, WEBSOCKET_UPGRADE_NAME, options.webSocketUpgrade().get());
        }
        fire(ctx, request);
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

    private void requestComplete() {
        headersDeadline = requestDeadline = NO_DEADLINE; // the timer, if armed, finds nothing due
        state = State.REQUEST_LINE;
        lineStart = scanIndex;
        started = false;
        emptyLines = headBytes = headerCount = hosts = contentLengths = 0;
        version = null;
        method = null;
        uri = null;
        headers = null;
        trailers = null;
        headPassed = false;
        absoluteForm = false;
        h2c = false;
        webSocket = false;
        contentLength = null;
        transferEncoding = null;
        remaining = 0;
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
        boolean aborts = headPassed; // the request's handler has its head: it answers that request
        state = State.FAILED;
        cancelTimer();
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        FullHttpRequest refused = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        refused.setDecoderResult(DecoderResult.failure(violation));
        if (!aborts) {
            encoder.requested(HttpMethod.GET); // the refusal is answered in the request's place
        }
        fire(ctx, refused);
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

    private void fire(ChannelHandlerContext ctx, Object msg) {
        passedOn = true;
        ctx.fireChannelRead(msg);
    }

    /**
     * A read that made no message while reading is paused (the connection manager's backpressure)
     * asks for the next one, else a request split over reads would wait forever (what Netty's decoders do).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!passedOn && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        passedOn = false;
        ctx.fireChannelReadComplete();
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
