package dev.weft.proxy.upstream;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * The HTTP/1.1 codec of an upstream connection: Netty's request encoder and response decoder,
 * paired as Netty's HttpClientCodec pairs them (the methods of the requests in flight, so that the
 * response to a HEAD has no body, and a 2xx to a CONNECT none either), with one difference: the
 * response's usual header names ({@code Content-Length}, {@code Date}, ...) are constants rather
 * than a new byte array and AsciiString for every header of every response (Netty's request
 * decoder does the same for requests; its response decoder does not: a visible share of the
 * proxy's garbage per request). A name is taken from the table only when its bytes match exactly,
 * so names go downstream as the upstream wrote them. Header validation is Netty's, unchanged.
 */
final class UpstreamHttp1Codec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {

    /** The usual response header names, as servers write them (canonical case) and lowercase. */
    private static final AsciiString[][] KNOWN_BY_LENGTH = knownByLength(List.of(
            "Content-Length", "Content-Type", "Date", "Server", "Connection", "Transfer-Encoding",
            "Last-Modified", "ETag", "Accept-Ranges", "Cache-Control", "Vary", "Expires", "Location",
            "Set-Cookie", "Content-Encoding", "Keep-Alive", "Access-Control-Allow-Origin",
            "X-Content-Type-Options", "Strict-Transport-Security", "Age", "Pragma", "Via",
            "x-envoy-upstream-service-time", "x-request-id", "grpc-status", "grpc-message",
            "x-envoy-decorator-operation"));

    private final Queue<HttpMethod> methods = new ArrayDeque<>(2);
    /** A CONNECT was answered 2xx: what follows is no longer HTTP. */
    private boolean tunnel;

    UpstreamHttp1Codec(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        init(new Decoder(new HttpDecoderConfig().setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize).setMaxChunkSize(maxChunkSize)), new Encoder());
    }

    private final class Encoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request && !tunnel) {
                methods.offer(request.method());
            }
            super.encode(ctx, msg, out);
        }
    }

    private final class Decoder extends HttpResponseDecoder {

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf buffer, List<Object> out)
                throws Exception {
            if (tunnel) {
                int readable = actualReadableBytes();
                if (readable > 0) {
                    out.add(buffer.readRetainedSlice(readable));
                }
                return;
            }
            super.decode(ctx, buffer, out);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            HttpResponse response = (HttpResponse) msg;
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // An interim response: the final one still answers the request in flight.
                return super.isContentAlwaysEmpty(msg);
            }
            HttpMethod method = methods.poll();
            if (HttpMethod.HEAD.equals(method)) {
                return true; // RFC 9110 9.3.2: never a body, whatever its headers say
            }
            if (HttpMethod.CONNECT.equals(method) && response.status().code() == 200) {
                tunnel = true;
                methods.clear();
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
            AsciiString known = known(sb, start, length);
            return known != null ? known : super.splitHeaderName(sb, start, length);
        }
    }

    /** The constant whose bytes are exactly {@code sb[start, start + length)}, or null. */
    static AsciiString known(byte[] sb, int start, int length) {
        if (length >= KNOWN_BY_LENGTH.length) {
            return null;
        }
        AsciiString[] candidates = KNOWN_BY_LENGTH[length];
        if (candidates == null) {
            return null;
        }
        for (AsciiString candidate : candidates) {
            byte[] bytes = candidate.array();
            int offset = candidate.arrayOffset();
            int i = 0;
            while (i < length && bytes[offset + i] == sb[start + i]) {
                i++;
            }
            if (i == length) {
                return candidate;
            }
        }
        return null;
    }

    private static AsciiString[][] knownByLength(List<String> names) {
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, name.length());
        }
        AsciiString[][] table = new AsciiString[longest + 1][];
        for (String name : names) {
            for (String spelling : name.equals(name.toLowerCase(java.util.Locale.ROOT))
                    ? List.of(name) : List.of(name, name.toLowerCase(java.util.Locale.ROOT))) {
                AsciiString[] row = table[spelling.length()];
                AsciiString[] grown = row == null ? new AsciiString[1] : java.util.Arrays.copyOf(row, row.length + 1);
                grown[grown.length - 1] = AsciiString.cached(spelling);
                table[spelling.length()] = grown;
            }
        }
        return table;
    }
}
