package dev.weft.proxy.http;

import dev.weft.proxy.route.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/** A Netty request as route matching sees it, with HTTP/2 style pseudo headers for HTTP/1.1. */
final class NettyRequestView implements RequestView {

    private final HttpRequest request;
    private final String path;
    private final String rawQuery;
    private Map<String, List<String>> query;

    NettyRequestView(HttpRequest request) {
        this.request = request;
        String uri = request.uri();
        int question = uri.indexOf('?');
        int hash = uri.indexOf('#');
        int end = hash >= 0 ? hash : uri.length();
        this.path = question >= 0 && question < end ? uri.substring(0, question) : uri.substring(0, end);
        this.rawQuery = question >= 0 && question < end ? uri.substring(question + 1, end) : "";
    }

    @Override
    public String authority() {
        String host = request.headers().get(HttpHeaderNames.HOST);
        return host == null ? "" : host;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public List<String> headerValues(String lowerCaseName) {
        return switch (lowerCaseName) {
            case ":authority" -> request.headers().contains(HttpHeaderNames.HOST) ? List.of(authority()) : List.of();
            case ":path" -> List.of(request.uri());
            case ":method" -> List.of(method());
            case ":scheme" -> List.of("http");
            default -> request.headers().getAll(lowerCaseName);
        };
    }

    @Override
    public List<String> queryValues(String name) {
        if (query == null) {
            query = new QueryStringDecoder(rawQuery, false).parameters();
        }
        return query.getOrDefault(name, List.of());
    }
}
