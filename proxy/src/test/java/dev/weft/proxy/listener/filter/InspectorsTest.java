package dev.weft.proxy.listener.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class InspectorsTest {

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @Test
    void httpInspectorTellsHttp1AndH2cFromOtherBytesAsEarlyAsItCan() {
        assertThat(HttpInspector.inspect(ascii("GET /x HTTP/1.1\r\nHost: a\r\n\r\n")))
                .isEqualTo(new Inspection.Http("http/1.1"));
        assertThat(HttpInspector.inspect(ascii("POST /x HTTP/1.0\r\n"))).isEqualTo(new Inspection.Http("http/1.0"));
        assertThat(HttpInspector.inspect(ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))).isEqualTo(new Inspection.Http("h2c"));
        assertThat(HttpInspector.inspect(ascii("PRI * HTTP/2"))).isEqualTo(Inspection.NEED_MORE);
        assertThat(HttpInspector.inspect(ascii("GET /x HT"))).isEqualTo(Inspection.NEED_MORE);
        assertThat(HttpInspector.inspect(ascii("GE"))).isEqualTo(Inspection.NEED_MORE);
        assertThat(HttpInspector.inspect(ascii("HELO there\n"))).isEqualTo(Inspection.NOT_DETECTED);
        assertThat(HttpInspector.inspect(ascii("GET /x HTTP/2.0\r\n"))).isEqualTo(Inspection.NOT_DETECTED);
        assertThat(HttpInspector.inspect(Unpooled.wrappedBuffer(new byte[] {0x16, 3, 1}))).isEqualTo(Inspection.NOT_DETECTED);
        // A request line that never ends is not waited for beyond the bound.
        assertThat(HttpInspector.inspect(ascii("GET /" + "a".repeat(HttpInspector.MAX_REQUEST_LINE))))
                .isEqualTo(Inspection.NOT_DETECTED);
    }

    @Test
    void tlsInspectorReadsSniAndAlpnFromAClientHello() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("Db.Example.COM", 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("Db.Example.COM")));
        parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        ByteBuf hello = Unpooled.wrappedBuffer(out);

        assertThat(TlsInspector.inspect(hello)).isEqualTo(new Inspection.Tls("db.example.com", List.of("h2", "http/1.1")));
        assertThat(TlsInspector.inspect(hello.slice(0, hello.readableBytes() - 1))).isEqualTo(Inspection.NEED_MORE);
        assertThat(TlsInspector.inspect(hello.slice(0, 3))).isEqualTo(Inspection.NEED_MORE);
        assertThat(TlsInspector.inspect(ascii("GET / HTTP/1.1\r\n"))).isEqualTo(Inspection.NOT_DETECTED);
        // A handshake record whose inner lengths do not add up.
        assertThat(TlsInspector.inspect(Unpooled.wrappedBuffer(new byte[] {0x16, 3, 1, 0, 4, 1, 0, 0, 9})))
                .isEqualTo(Inspection.NOT_DETECTED);
    }
}
