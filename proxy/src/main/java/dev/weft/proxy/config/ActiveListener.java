package dev.weft.proxy.config;

import dev.weft.proxy.route.RouteTable;

/**
 * One HTTP connection manager ready to serve: the listener it belongs to, its config and its
 * resolved routes (a listener has one per HTTP filter chain; see {@link WarmListener#http}).
 */
public record ActiveListener(ListenerConfig config, HttpConnectionManagerConfig http, RouteTable routes) {
}
