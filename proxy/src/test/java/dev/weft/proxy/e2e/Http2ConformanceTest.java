package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4: "h2spec is not installable here, so the conformance cases that matter (bad frames,
 * stream states, HPACK errors) are scripted with Netty's HTTP/2 frame codec". Each case is frames
 * written as bytes (Netty's frame writer, or a hand-made HPACK block) on a real socket to the real
 * proxy, and RFC 9113's answer is asserted: a connection error is a GOAWAY with its code and a closed
 * connection, a stream error is RST_STREAM with its code on a connection that still serves the next
 * stream. Nothing of a bad request reaches the backend, and the next client is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2ConformanceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~h2conf.weft-system~weft-system.svc.cluster.local";
    private static final String AUTHORITY = "a.example.com";

    // RFC 9113 section 7 error codes.
    static final long PROTOCOL_ERROR = 0x1;
    static final long FLOW_CONTROL_ERROR = 0x3;
    static final long STREAM_CLOSED = 0x5;
    static final long FRAME_SIZE_ERROR = 0x6;
    static final long COMPRESSION_ERROR = 0x9;

    // Frame types and flags.
    private static final byte DATA = 0x0;
    private static final byte HEADERS = 0x1;
    private static final byte PRIORITY = 0x2;
    private static final byte RST_STREAM = 0x3;
    private static final byte SETTINGS = 0x4;
    private static final byte PING = 0x6;
    private static final byte WINDOW_UPDATE = 0x8;
    private static final byte CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PRIORITY_FLAG = 0x20;

    private final HttpBackend backend = new HttpBackend("a");
    private final MutableSource source = new MutableSource();
    private ProxyUnderTest under;

    /** A scripted exchange: frames written after the preface and SETTINGS, then the expected answer. */
    record Case(String name, BiConsumer<HostileHttp2Client, ChannelHandlerContext> frames, String expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void start() {
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", backend.port()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("a", AUTHORITY).addRoutes(Envoy.toCluster("/", "a")))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() {
        if (under != null) {
            under.close();
        }
        backend.close();
    }

    private HostileHttp2Client client() throws InterruptedException {
        return new HostileHttp2Client(under.listener("ingress"));
    }

    /** Connection errors (RFC 9113 5.4.1): GOAWAY with the code, then the connection closes. */
    static Stream<Case> connectionErrors() {
        return Stream.of(
                new Case("DATA on stream 0", (client, c) -> client.raw(c, DATA, 0, END_STREAM, bytes("x")),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("HEADERS on a server-initiated (even) stream",
                        (client, c) -> client.raw(c, HEADERS, 2, END_HEADERS | END_STREAM, request("/even")),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("DATA on an idle stream", (client, c) -> client.raw(c, DATA, 1, END_STREAM, bytes("x")),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("RST_STREAM on an idle stream", (client, c) -> client.raw(c, RST_STREAM, 1, 0, int32(0x8)),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("CONTINUATION without HEADERS", (client, c) -> client.raw(c, CONTINUATION, 1, END_HEADERS,
                        request("/c")), "GOAWAY " + PROTOCOL_ERROR),
                new Case("another frame between HEADERS and its CONTINUATION", (client, c) -> {
                    client.raw(c, HEADERS, 1, 0, request("/interleaved"));
                    client.raw(c, PING, 0, 0, Unpooled.wrappedBuffer(new byte[8]));
                }, "GOAWAY " + PROTOCOL_ERROR),
                new Case("a frame larger than SETTINGS_MAX_FRAME_SIZE (16384)",
                        (client, c) -> client.raw(c, PING, 0, 0, Unpooled.wrappedBuffer(new byte[16_385])),
                        "GOAWAY " + FRAME_SIZE_ERROR),
                new Case("PING of 7 bytes", (client, c) -> client.raw(c, PING, 0, 0, Unpooled.wrappedBuffer(new byte[7])),
                        "GOAWAY " + FRAME_SIZE_ERROR),
                new Case("PING on a stream", (client, c) -> client.raw(c, PING, 1, 0, Unpooled.wrappedBuffer(new byte[8])),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("SETTINGS of 5 bytes", (client, c) -> client.raw(c, SETTINGS, 0, 0, Unpooled.wrappedBuffer(new byte[5])),
                        "GOAWAY " + FRAME_SIZE_ERROR),
                new Case("SETTINGS ACK with a payload",
                        (client, c) -> client.raw(c, SETTINGS, 0, ACK, setting(0x4, 65_535)),
                        "GOAWAY " + FRAME_SIZE_ERROR),
                new Case("SETTINGS on a stream", (client, c) -> client.raw(c, SETTINGS, 1, 0, setting(0x4, 65_535)),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("SETTINGS_ENABLE_PUSH of 2", (client, c) -> client.raw(c, SETTINGS, 0, 0, setting(0x2, 2)),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("SETTINGS_INITIAL_WINDOW_SIZE over 2^31-1",
                        (client, c) -> client.raw(c, SETTINGS, 0, 0, setting(0x4, 0x8000_0000L)),
                        "GOAWAY " + FLOW_CONTROL_ERROR),
                new Case("SETTINGS_MAX_FRAME_SIZE under 16384",
                        (client, c) -> client.raw(c, SETTINGS, 0, 0, setting(0x5, 16_383)),
                        "GOAWAY " + PROTOCOL_ERROR),
                new Case("WINDOW_UPDATE of 0 on the connection",
                        (client, c) -> client.raw(c, WINDOW_UPDATE, 0, 0, int32(0)), "GOAWAY " + PROTOCOL_ERROR),
                new Case("WINDOW_UPDATE taking the connection window over 2^31-1",
                        (client, c) -> client.raw(c, WINDOW_UPDATE, 0, 0, int32(0x7fff_ffff)),
                        "GOAWAY " + FLOW_CONTROL_ERROR),
                new Case("HPACK: an index past the static and dynamic tables",
                        (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                                hpack(List.of(new byte[] {(byte) 0xbe}))), // indexed field 62, table empty
                        "GOAWAY " + COMPRESSION_ERROR),
                new Case("HPACK: index 0",
                        (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                                hpack(List.of(new byte[] {(byte) 0x80}))),
                        "GOAWAY " + COMPRESSION_ERROR),
                new Case("HPACK: a table size update over SETTINGS_HEADER_TABLE_SIZE",
                        (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                                hpack(List.of(new byte[] {0x3f, (byte) 0xe1, 0x3f} /* 8192 */), request("/big-table"))),
                        "GOAWAY " + COMPRESSION_ERROR),
                new Case("HPACK: a string longer than the block",
                        (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                                hpack(List.of(new byte[] {0x00, 0x7f, 0x10, 'x'}))),
                        "GOAWAY " + COMPRESSION_ERROR),
                new Case("HPACK: a Huffman string padded with a full zero byte",
                        (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                                hpack(List.of(new byte[] {0x00, (byte) 0x82, 0x00, 0x00, 0x01, 'v'}))),
                        "GOAWAY " + COMPRESSION_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectionErrors")
    void aConnectionErrorIsGoAwayWithItsCodeAndAClosedConnection(Case bad) throws Exception {
        int before = backend.requests.get();
        try (HostileHttp2Client client = client()) {
            client.run(c -> bad.frames().accept(client, c));
            assertThat(client.awaitGoAwayOrClose(WAIT)).as(bad.name()).isEqualTo(bad.expect());
            assertThat(client.open()).isFalse();
        }
        assertThat(backend.requests.get()).as("requests that reached the backend").isEqualTo(before);
        nextClientIsServed();
    }

    /**
     * Stream errors (RFC 9113 5.4.2, 8.2, 8.3): RST_STREAM with the code; the connection stays and
     * serves the next stream.
     */
    static Stream<Case> streamErrors() {
        return Stream.of(
                new Case("an upper-case header name", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        request("/upper", "X-Upper", "1")), "RST 1 " + PROTOCOL_ERROR),
                new Case("a pseudo-header after a regular header", (client, c) -> client.raw(c, HEADERS, 1,
                        END_HEADERS | END_STREAM, hpack(List.of(literal("x-first", "1"), literal(":method", "GET"),
                                literal(":scheme", "http"), literal(":authority", AUTHORITY), literal(":path", "/late")))),
                        "RST 1 " + PROTOCOL_ERROR),
                new Case("an unknown pseudo-header", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        request("/unknown", ":protocol-x", "1")), "RST 1 " + PROTOCOL_ERROR),
                new Case("a pseudo-header twice", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        request("/twice", ":path", "/again")), "RST 1 " + PROTOCOL_ERROR),
                new Case("a connection-specific header", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        request("/connection", "connection", "keep-alive")), "RST 1 " + PROTOCOL_ERROR),
                new Case("TE other than trailers", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        request("/te", "te", "gzip")), "RST 1 " + PROTOCOL_ERROR),
                new Case("no :path", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        hpack(List.of(literal(":method", "GET"), literal(":scheme", "http"),
                                literal(":authority", AUTHORITY)))), "RST 1 " + PROTOCOL_ERROR),
                new Case("no :method", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        hpack(List.of(literal(":scheme", "http"), literal(":authority", AUTHORITY),
                                literal(":path", "/")))), "RST 1 " + PROTOCOL_ERROR),
                new Case("no :scheme", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        hpack(List.of(literal(":method", "GET"), literal(":authority", AUTHORITY),
                                literal(":path", "/")))), "RST 1 " + PROTOCOL_ERROR),
                new Case("an empty :path", (client, c) -> client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM,
                        hpack(List.of(literal(":method", "GET"), literal(":scheme", "http"),
                                literal(":authority", AUTHORITY), literal(":path", "")))), "RST 1 " + PROTOCOL_ERROR),
                new Case("a stream depending on itself (HEADERS)", (client, c) -> client.raw(c, HEADERS, 1,
                        END_HEADERS | END_STREAM | PRIORITY_FLAG, priorityThen(1, request("/self"))),
                        "RST 1 " + PROTOCOL_ERROR),
                new Case("a stream depending on itself (PRIORITY)", (client, c) -> client.raw(c, PRIORITY, 1, 0,
                        priorityThen(1, Unpooled.EMPTY_BUFFER)), "RST 1 " + PROTOCOL_ERROR),
                new Case("WINDOW_UPDATE of 0 on an open stream", (client, c) -> {
                    client.raw(c, HEADERS, 1, END_HEADERS, request("/post"));
                    client.raw(c, WINDOW_UPDATE, 1, 0, int32(0));
                }, "RST 1 " + PROTOCOL_ERROR),
                new Case("DATA after the stream's END_STREAM", (client, c) -> {
                    client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM, request("/closed", "x-hold", "1"));
                    client.raw(c, DATA, 1, END_STREAM, bytes("late"));
                }, "RST 1 " + STREAM_CLOSED));
    }

    /**
     * RFC 9113 5.4.1 lets an endpoint treat a stream error as a connection error: GOAWAY with the same
     * code is accepted too (Netty does so for a HEADERS frame whose priority names its own stream), and
     * then the next client on a new connection is served.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("streamErrors")
    void aStreamErrorResetsTheStreamAndTheConnectionServesTheNext(Case bad) throws Exception {
        int before = backend.requests.get();
        String code = bad.expect().substring(bad.expect().lastIndexOf(' ') + 1);
        try (HostileHttp2Client client = client()) {
            client.run(c -> bad.frames().accept(client, c));
            String answer = client.await(event -> event.startsWith("RST 1") || event.startsWith("GOAWAY")
                    || event.equals("CLOSED"), WAIT);
            assertThat(answer).as(bad.name()).isIn(bad.expect(), "GOAWAY " + code);
            if (!bad.name().startsWith("DATA after")) {
                assertThat(backend.requests.get()).as("requests that reached the backend").isEqualTo(before);
            }
            if (answer.startsWith("RST")) {
                client.run(c -> client.headers(c, 3, HostileHttp2Client.get(AUTHORITY, "/next"), true));
                assertThat(client.await(event -> event.startsWith("HEADERS 3") || event.startsWith("GOAWAY")
                        || event.equals("CLOSED"), WAIT)).isEqualTo("HEADERS 3 200");
            }
        }
        nextClientIsServed();
    }

    /**
     * RFC 9113 5.1.1 asks for a connection error (PROTOCOL_ERROR) when a client reuses a stream id
     * below one it has opened; Netty cannot tell such an id from a stream it has closed and resets the
     * stream with STREAM_CLOSED instead (a known deviation, see docs/issue-4-done-means.md). Either
     * way the request is refused and nothing reaches the backend.
     */
    @Test
    void aStreamIdLowerThanOneAlreadyOpenedIsRefused() throws Exception {
        int before = backend.requests.get();
        try (HostileHttp2Client client = client()) {
            client.run(c -> {
                client.raw(c, HEADERS, 5, END_HEADERS | END_STREAM, requestTo("nowhere.example.com", "/five"));
                client.raw(c, HEADERS, 3, END_HEADERS | END_STREAM, request("/three"));
            });
            assertThat(client.await(event -> event.startsWith("RST 3") || event.startsWith("GOAWAY")
                    || event.equals("CLOSED"), WAIT)).isIn("RST 3 " + STREAM_CLOSED, "GOAWAY " + PROTOCOL_ERROR);
        }
        assertThat(backend.requests.get()).as("requests that reached the backend").isEqualTo(before);
        nextClientIsServed();
    }

    @Test
    void unknownFrameTypesAndFlagsAreIgnored() throws Exception {
        try (HostileHttp2Client client = client()) {
            client.run(c -> {
                client.raw(c, (byte) 0x42, 0, 0xff, bytes("extension frame"));
                client.raw(c, (byte) 0x42, 1, 0, bytes("on an idle stream"));
                client.raw(c, PING, 0, 0xfe, Unpooled.wrappedBuffer(new byte[8])); // unknown flags, no ACK
                client.raw(c, HEADERS, 1, END_HEADERS | END_STREAM | 0xc0, request("/ignored-flags"));
            });
            assertThat(client.await(event -> event.startsWith("HEADERS 1") || event.startsWith("GOAWAY")
                    || event.startsWith("RST") || event.equals("CLOSED"), WAIT)).isEqualTo("HEADERS 1 200");
        }
    }

    private void nextClientIsServed() throws Exception {
        try (HostileHttp2Client client = client()) {
            client.run(c -> client.headers(c, 1, HostileHttp2Client.get(AUTHORITY, "/after"), true));
            assertThat(client.await(event -> event.startsWith("HEADERS 1"), WAIT)).isEqualTo("HEADERS 1 200");
        }
    }

    // --- frame payloads -------------------------------------------------------------------------

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static ByteBuf int32(long value) {
        return Unpooled.buffer(4).writeInt((int) value);
    }

    private static ByteBuf setting(int id, long value) {
        return Unpooled.buffer(6).writeShort(id).writeInt((int) value);
    }

    /** A priority block (exclusive bit off, weight 16) naming {@code dependency}, then {@code rest}. */
    private static ByteBuf priorityThen(int dependency, ByteBuf rest) {
        return Unpooled.wrappedBuffer(Unpooled.buffer(5).writeInt(dependency).writeByte(15), rest);
    }

    /** A GET's header block, each field a literal without indexing, plus extra name/value pairs. */
    static ByteBuf request(String path, String... extra) {
        return requestTo(AUTHORITY, path, extra);
    }

    static ByteBuf requestTo(String authority, String path, String... extra) {
        List<byte[]> fields = new java.util.ArrayList<>(List.of(literal(":method", "GET"), literal(":scheme", "http"),
                literal(":authority", authority), literal(":path", path)));
        for (int i = 0; i < extra.length; i += 2) {
            fields.add(literal(extra[i], extra[i + 1]));
        }
        return hpack(fields);
    }

    private static ByteBuf hpack(List<byte[]> fields, ByteBuf... more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach(out::writeBytes);
        return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(out.toByteArray()), Unpooled.wrappedBuffer(more));
    }

    /** RFC 7541 6.2.2: literal header field without indexing, new name, no Huffman (strings < 127 bytes). */
    static byte[] literal(String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x00);
        out.write(n.length);
        out.writeBytes(n);
        out.write(v.length);
        out.writeBytes(v);
        return out.toByteArray();
    }
}
