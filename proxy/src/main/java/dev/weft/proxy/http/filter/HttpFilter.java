package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.FilterChain;
import dev.weft.proxy.http.HttpExchange;

/** One HTTP filter (Envoy's decoder filter): answers the request or passes it on. */
public interface HttpFilter {

    void onRequest(HttpExchange exchange, FilterChain chain);
}
