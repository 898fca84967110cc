package dev.weft.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamHttp1CodecTest {

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static List<Object> exchange(EmbeddedChannel channel, HttpMethod method, String response) {
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        ReferenceCountUtil.release(channel.readOutbound());
        channel.writeInbound(ascii(response));
        List<Object> in = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            in.add(msg);
        }
        return in;
    }

    @Test
    void headerNamesKeepTheirSpellingWhetherKnownOrNot() {
        EmbeddedChannel channel = new EmbeddedChannel(new UpstreamHttp1Codec(8192, 65536, 8192));
        List<Object> in = exchange(channel, HttpMethod.GET, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                + "content-type: text/plain\r\nDATE: today\r\nX-Custom: 1\r\n\r\nok");
        HttpResponse head = (HttpResponse) in.getFirst();
        List<String> names = head.headers().entries().stream().map(Map.Entry::getKey).toList();
        assertThat(names).containsExactly("Content-Length", "content-type", "DATE", "X-Custom");
        assertThat(head.headers().get("date")).isEqualTo("today");
        assertThat(((HttpContent) in.getLast()).content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
        in.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    @Test
    void theResponseToAHeadHasNoBodyWhateverItsContentLength() {
        EmbeddedChannel channel = new EmbeddedChannel(new UpstreamHttp1Codec(8192, 65536, 8192));
        List<Object> head = exchange(channel, HttpMethod.HEAD, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        assertThat(head).hasSize(2);
        assertThat(head.getLast()).isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) head.getLast()).content().readableBytes()).isZero();
        head.forEach(ReferenceCountUtil::release);
        // The next response on the connection (a GET) is read with its body: the methods stay in step,
        // an interim 100 in between answering no request.
        List<Object> get = exchange(channel, HttpMethod.GET,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(get.stream().filter(HttpResponse.class::isInstance).map(m -> ((HttpResponse) m).status().code()))
                .containsExactly(100, 200);
        assertThat(((HttpContent) get.getLast()).content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        get.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    @Test
    void aBadHeaderNameIsStillRefused() {
        EmbeddedChannel channel = new EmbeddedChannel(new UpstreamHttp1Codec(8192, 65536, 8192));
        List<Object> in = exchange(channel, HttpMethod.GET,
                "HTTP/1.1 200 OK\r\nBad\u0001Name: x\r\nContent-Length: 0\r\n\r\n");
        assertThat(((HttpResponse) in.getFirst()).decoderResult().isFailure()).isTrue();
        in.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    @Test
    void onlyExactSpellingsAreTakenFromTheTable() {
        byte[] bytes = "xContent-Lengthx".getBytes(StandardCharsets.US_ASCII);
        assertThat((Object) UpstreamHttp1Codec.known(bytes, 1, 14)).hasToString("Content-Length");
        assertThat((Object) UpstreamHttp1Codec.known(bytes, 1, 13)).isNull();
        byte[] otherCase = "content-LENGTH".getBytes(StandardCharsets.US_ASCII);
        assertThat((Object) UpstreamHttp1Codec.known(otherCase, 0, 14)).isNull();
        assertThat((Object) UpstreamHttp1Codec.known(new byte[200], 0, 200)).isNull();
    }
}
