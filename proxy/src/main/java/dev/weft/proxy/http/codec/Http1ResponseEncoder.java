package dev.weft.proxy.http.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;

/**
 * The downstream HTTP/1.1 connection's response encoder: Netty's {@link HttpResponseEncoder} told
 * by {@link Http1RequestScanner} which method each request had, in order, so that the answer to a
 * HEAD carries no body and a 2xx answer to a CONNECT no Transfer-Encoding (what
 * {@code HttpServerCodec}'s encoder half does with its decoder's queue). Interim responses (1xx but
 * 101: {@code 100 Continue}) take no request's place. It is the {@link HttpServerUpgradeHandler.SourceCodec}
 * of an h2c upgrade.
 */
public final class Http1ResponseEncoder extends HttpResponseEncoder implements HttpServerUpgradeHandler.SourceCodec {

    /** Its name in the pipeline. */
    public static final String NAME = "weft-http1-encoder";

    private static final byte OTHER = 0;
    private static final byte HEAD = 1;
    private static final byte CONNECT = 2;
    private static final int INLINE = 32; // flags in the long (2 bits each); more pipelined requests overflow

    private long methods;
    private int inline;
    private ArrayDeque<Byte> overflow;
    private byte answering = OTHER;

    /** The scanner passed a request on: its response comes in this order. */
    void requested(HttpMethod method) {
        byte flag = method == HttpMethod.HEAD ? HEAD : method == HttpMethod.CONNECT ? CONNECT : OTHER;
        if (overflow == null && inline < INLINE) {
            methods |= (long) flag << (inline << 1);
            inline++;
        } else {
            if (overflow == null) {
                overflow = new ArrayDeque<>();
            }
            overflow.add(flag);
        }
    }

    private byte next() {
        if (inline > 0) {
            byte flag = (byte) (methods & 3);
            methods >>>= 2;
            inline--;
            return flag;
        }
        if (overflow != null) {
            Byte flag = overflow.poll();
            if (overflow.isEmpty()) {
                overflow = null;
            }
            if (flag != null) {
                return flag;
            }
        }
        return OTHER;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse response) {
        int code = response.status().code();
        if (code >= 200 || code == 101) {
            answering = next();
        } else {
            return true; // an interim response: the final one answers the request
        }
        return answering == HEAD || super.isContentAlwaysEmpty(response);
    }

    @Override
    protected void sanitizeHeadersBeforeEncode(HttpResponse response, boolean alwaysEmpty) {
        if (!alwaysEmpty && answering == CONNECT && response.status().codeClass() == HttpStatusClass.SUCCESS) {
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 9110 9.3.6
            return;
        }
        super.sanitizeHeadersBeforeEncode(response, alwaysEmpty);
    }

    /**
     * An h2c upgrade: HTTP/1.1 responses end on this connection (the upgrade codec removes the
     * scanner once the HTTP/2 codec is in place, so that the bytes it holds reach that codec).
     */
    @Override
    public void upgradeFrom(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
    }
}
