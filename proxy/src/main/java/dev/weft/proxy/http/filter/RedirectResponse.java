package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.route.PathRewrite;
import dev.weft.proxy.route.RouteAction;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/** A route's {@code redirect}: the Location Envoy builds (Http::Utility::newUri), sent with an empty body. */
final class RedirectResponse {

    private RedirectResponse() {
    }

    static FullHttpResponse of(RouteAction.Redirect redirect, HttpExchange exchange) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(redirect.status()), Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LOCATION, location(redirect, exchange))
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    static String location(RouteAction.Redirect redirect, HttpExchange exchange) {
        List<String> schemes = exchange.view().headerValues(":scheme");
        String requestScheme = schemes.isEmpty() ? "http" : schemes.getFirst();
        String scheme = redirect.scheme() != null ? redirect.scheme() : requestScheme;
        String port = redirect.port() > 0 ? ":" + redirect.port() : "";
        String host = redirect.host() != null ? redirect.host()
                : requestHost(exchange.view().authority(), requestScheme, scheme, !port.isEmpty());
        String uri = exchange.request().uri();
        String path;
        if (redirect.path() != null) {
            // A path_redirect with a query replaces the request's query (and strip_query does not apply).
            if (redirect.path().indexOf('?') >= 0) {
                return scheme + "://" + host + port + slash(redirect.path());
            }
            int question = uri.indexOf('?');
            path = redirect.path() + (question >= 0 ? uri.substring(question) : "");
        } else {
            path = PathRewrite.apply(uri, exchange.route().orElseThrow().match().path(), redirect.prefixRewrite(),
                    redirect.regexRewrite());
        }
        path = slash(path);
        if (redirect.stripQuery() && path.indexOf('?') >= 0) {
            path = path.substring(0, path.indexOf('?'));
        }
        return scheme + "://" + host + port + path;
    }

    private static String slash(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    /**
     * The request's Host for the Location: its port is dropped when a port_redirect replaces it, or
     * when the scheme changes and the port is the old scheme's default (http://h:80 -> https://h).
     */
    private static String requestHost(String host, String oldScheme, String newScheme, boolean newPort) {
        int end = host.startsWith("[") ? host.lastIndexOf("]:") + 1 : host.lastIndexOf(':');
        if (end <= 0) {
            return host;
        }
        String oldPort = host.substring(end);
        boolean remove = newPort || !newScheme.equals(oldScheme)
                && (oldScheme.equals("https") && oldPort.equals(":443") || oldScheme.equals("http") && oldPort.equals(":80"));
        return remove ? host.substring(0, end) : host;
    }
}
