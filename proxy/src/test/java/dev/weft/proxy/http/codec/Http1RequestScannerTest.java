package dev.weft.proxy.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.config.ProxyLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scanner as the downstream HTTP/1.1 decoder, on an EmbeddedChannel: the message objects it makes
 * of the bytes (what Netty's HttpRequestDecoder made before), and the response encoder it feeds with
 * each request's method. The hostile corpus and the real pipeline are covered end to end
 * ({@code HostileHttp1Test}, {@code ProxyEndToEndTest}, ...).
 */
class Http1RequestScannerTest {

    private static EmbeddedChannel channel(Http1RequestScanner.Options options) {
        EmbeddedChannel channel = new EmbeddedChannel();
        Http1RequestScanner.install(channel.pipeline(), ProxyLimits.Http.DEFAULTS, options);
        return channel;
    }

    private static EmbeddedChannel channel() {
        return channel(Http1RequestScanner.Options.http1Only(false, null));
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static List<Object> read(EmbeddedChannel channel, String... reads) {
        for (String read : reads) {
            channel.writeInbound(bytes(read));
        }
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    private static String content(Object msg) {
        return ((HttpContent) msg).content().toString(StandardCharsets.ISO_8859_1);
    }

    private static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void aRequestWithoutBodyIsOneFullRequestWithItsHeadersAsRead() {
        List<Object> out = read(channel(), "GET /a?b=c HTTP/1.1\r\nHost: example\r\nX-Tab:\t v 1 \t\r\nX-Empty:\r\n"
                + "x-tab: second\r\n\r\n");
        assertThat(out).hasSize(1);
        FullHttpRequest request = (FullHttpRequest) out.get(0);
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.method()).isSameAs(HttpMethod.GET);
        assertThat(request.uri()).isEqualTo("/a?b=c");
        assertThat(request.protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);
        assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualTo("example");
        assertThat(request.headers().getAll("X-TAB")).containsExactly("v 1", "second");
        assertThat(request.headers().get("x-empty")).isEmpty();
        assertThat(request.content().isReadable()).isFalse();
    }

    @Test
    void aContentLengthBodyComesAsSlicesOfTheReadsAndEndsWithTheLastContent() {
        EmbeddedChannel channel = channel();
        List<Object> out = read(channel, "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello", "world",
                "GET /next HTTP/1.0\r\n\r\n");
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isNotInstanceOf(FullHttpRequest.class);
        assertThat(((HttpRequest) out.get(0)).method()).isSameAs(HttpMethod.POST);
        assertThat(out.get(1)).isNotInstanceOf(LastHttpContent.class);
        assertThat(content(out.get(1))).isEqualTo("hello");
        assertThat(out.get(2)).isInstanceOf(LastHttpContent.class);
        assertThat(content(out.get(2))).isEqualTo("world");
        HttpRequest next = (HttpRequest) out.get(3);
        assertThat(next.uri()).isEqualTo("/next");
        assertThat(next.protocolVersion()).isSameAs(HttpVersion.HTTP_1_0);
        out.forEach(ReferenceCountUtil::release);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aChunkedBodyComesChunkByChunkWithItsTrailersButNotFramingFieldsInThem() {
        List<Object> out = read(channel(), "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel",
                "lo\r\n3\r\nabc\r\n0\r\nX-Sum: 8\r\nContent-Length: 99\r\n\r\n");
        assertThat(out).hasSize(5);
        assertThat(content(out.get(1)) + content(out.get(2)) + content(out.get(3))).isEqualTo("helloabc");
        LastHttpContent last = (LastHttpContent) out.get(4);
        assertThat(last.content().isReadable()).isFalse();
        assertThat(last.trailingHeaders().get("x-sum")).isEqualTo("8");
        assertThat(last.trailingHeaders().contains(HttpHeaderNames.CONTENT_LENGTH)).isFalse();
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void pipelinedRequestsInOneReadComeInOrderAndAHeadSplitAcrossReadsComesWhole() {
        List<Object> out = read(channel(), "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHo", "st: h\r\n",
                "\r\n");
        assertThat(out).hasSize(2);
        assertThat(((HttpRequest) out.get(0)).uri()).isEqualTo("/1");
        assertThat(((HttpRequest) out.get(1)).uri()).isEqualTo("/2");
        assertThat(((HttpRequest) out.get(1)).headers().get("host")).isEqualTo("h");
    }

    @Test
    void aBadRequestGoesOnAsItsRefusalOnlyAndNothingAfterItIsRead() {
        EmbeddedChannel channel = channel();
        List<Object> out = read(channel, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/1.1\r\nHost: h\r\n"
                + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(out).hasSize(2);
        assertThat(((HttpRequest) out.get(0)).uri()).isEqualTo("/ok");
        FullHttpRequest refused = (FullHttpRequest) out.get(1);
        assertThat(refused.decoderResult().cause()).isInstanceOfSatisfying(HttpViolation.class, violation -> {
            assertThat(violation.status()).isEqualTo(400);
            assertThat(violation.details()).isEqualTo("http1.content_length_and_chunked_not_allowed");
        });
        refused.release();
    }

    @Test
    void theAnswerToAHeadHasNoBodyAndAnInterimResponseTakesNoRequestsPlace() {
        EmbeddedChannel channel = channel();
        read(channel, "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        channel.writeOutbound(head, new DefaultLastHttpContent(bytes("not sent")));
        String headAnswer = written(channel);
        assertThat(headAnswer).startsWith("HTTP/1.1 100 Continue\r\n").contains("HTTP/1.1 200 OK\r\n")
                .doesNotContain("not sent").doesNotContain("0\r\n\r\n");
        DefaultHttpResponse get = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        get.headers().set(HttpHeaderNames.CONTENT_LENGTH, 4);
        channel.writeOutbound(get, new DefaultLastHttpContent(bytes("body")));
        assertThat(written(channel)).endsWith("\r\n\r\nbody");
    }

    @Test
    void anAbsoluteFormTargetBecomesOriginFormWithItsAuthorityAsHostWhereAllowed() {
        HttpRequest allowed = (HttpRequest) read(channel(Http1RequestScanner.Options.http1Only(true, null)),
                "GET http://reviews:9080/r/0?x=1 HTTP/1.1\r\nHost: other\r\n\r\n").get(0);
        assertThat(allowed.uri()).isEqualTo("/r/0?x=1");
        assertThat(allowed.headers().get(HttpHeaderNames.HOST)).isEqualTo("reviews:9080");
        HttpRequest asIs = (HttpRequest) read(channel(), "GET http://reviews:9080/r/0 HTTP/1.1\r\n\r\n").get(0);
        assertThat(asIs.uri()).isEqualTo("http://reviews:9080/r/0");
    }

    @Test
    void onlyAnUpgradeRequestGetsItsUpgradeHandlerBehindTheScanner() {
        List<String> added = new ArrayList<>();
        EmbeddedChannel channel = channel(new Http1RequestScanner.Options(false, null, source -> {
            added.add("h2c");
            return new ChannelInboundHandlerAdapter();
        }, () -> {
            added.add("websocket");
            return new ChannelInboundHandlerAdapter();
        }));
        read(channel, "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n");
        assertThat(added).isEmpty();
        read(channel, "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: H2C\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n");
        assertThat(added).containsExactly("h2c");
        read(channel, "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: upgrade\r\n\r\n");
        assertThat(added).containsExactly("h2c", "websocket");
        assertThat(channel.pipeline().names()).containsSubsequence(Http1ResponseEncoder.NAME, Http1RequestScanner.NAME,
                Http1RequestScanner.H2C_UPGRADE_NAME, Http1RequestScanner.WEBSOCKET_UPGRADE_NAME);
    }

    @Test
    void theHttp2PrefaceHandsTheConnectionOverWithTheBytesAsTheyCame() {
        List<Object> seen = new ArrayList<>();
        ChannelHandler http2 = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                seen.add(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
                ReferenceCountUtil.release(msg);
            }
        };
        EmbeddedChannel channel = channel(new Http1RequestScanner.Options(false, () -> http2, null, null));
        channel.writeInbound(bytes("PRI * HTTP/2.0\r\n\r\n"), bytes("SM\r\n\r\nframes"));
        assertThat(String.join("", seen.stream().map(String.class::cast).toList()))
                .isEqualTo("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nframes");
        assertThat(channel.pipeline().get(Http1RequestScanner.NAME)).isNull();
        assertThat(channel.pipeline().get(Http1ResponseEncoder.NAME)).isNull();
    }
}
