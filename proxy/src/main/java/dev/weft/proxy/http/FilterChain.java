package dev.weft.proxy.http;

import dev.weft.proxy.http.filter.HttpFilter;
import java.util.List;

/**
 * Runs a request through the HTTP filters in order. A filter either answers (respond/localReply)
 * or calls {@link #proceed}, now or later (a delay); the last filter (the router) answers.
 */
public final class FilterChain {

    private final List<HttpFilter> filters;
    private int next;

    FilterChain(List<HttpFilter> filters) {
        this.filters = filters;
    }

    public void proceed(HttpExchange exchange) {
        if (exchange.responded()) {
            return;
        }
        if (next < filters.size()) {
            filters.get(next++).onRequest(exchange, this);
        } else {
            // No terminal filter (a configuration without a router): Envoy would hang; answer instead.
            exchange.localReply(500, null, "no terminal http filter (envoy.filters.http.router) configured");
        }
    }
}
