package dev.weft.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;

/**
 * Absolute-form request targets (RFC 9112 3.2.2, what a client sends to a forward proxy:
 * {@code GET http://reviews:9080/reviews/0 HTTP/1.1}) on a listener whose connection manager allows
 * them ({@code http_protocol_options.allow_absolute_url}, Istio's HTTP_PROXY listener): as Envoy's
 * HTTP/1 codec does, the Host is taken from the URI's authority and the target becomes origin-form
 * ({@code /reviews/0}) before routing and forwarding. A malformed absolute URL is a protocol error
 * (400). Where absolute URLs are not allowed the target is left as it came, as in Envoy (it then
 * matches no path route). On HTTP/1.1 connections the request decoder calls {@link #toOriginForm}
 * itself (no handler on every request's way); this handler serves HTTP/2 streams.
 */
public final class AbsoluteUrlHandler extends ChannelInboundHandlerAdapter {

    /** Installed only on connection managers that allow absolute URLs. */
    public AbsoluteUrlHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !request.decoderResult().isFailure()) {
            toOriginForm(request);
        }
        ctx.fireChannelRead(msg);
    }

    /** Rewrites an absolute-form request in place; a malformed one gets a failed decoder result. */
    public static void toOriginForm(HttpRequest request) {
        String uri = request.uri();
        String lower = uri.length() >= 8 ? uri.substring(0, 8).toLowerCase(Locale.ROOT) : uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return; // origin-form (or asterisk-form): nothing to do
        }
        int end = uri.length();
        for (int i = schemeEnd; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String authority = uri.substring(schemeEnd, end);
        if (authority.isEmpty() || authority.indexOf('@') >= 0 || !validAuthority(authority)) {
            request.setDecoderResult(DecoderResult.failure(
                    new IllegalArgumentException("http/1.1 protocol error: invalid url in request line")));
            return;
        }
        String rest = uri.substring(end);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        request.headers().set(HttpHeaderNames.HOST, authority);
        request.setUri(rest.isEmpty() || rest.charAt(0) != '/' ? "/" + rest : rest);
    }

    /** host or host:port, host a name, IPv4 or [IPv6]; no spaces or control characters. */
    private static boolean validAuthority(String authority) {
        for (int i = 0; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '\\' || c == '"' || c == '<' || c == '>') {
                return false;
            }
        }
        int colon = authority.startsWith("[") ? authority.indexOf(':', Math.max(0, authority.indexOf(']'))) : authority.lastIndexOf(':');
        if (colon >= 0) {
            String port = authority.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(port) > 65535) {
                return false;
            }
        }
        return colon != 0;
    }
}
