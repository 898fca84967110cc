package dev.weft.proxy.config;

import dev.weft.proxy.route.RouteTable;

/** A listener ready to serve: its config, its HTTP connection manager and its resolved routes. */
public record ActiveListener(ListenerConfig config, HttpConnectionManagerConfig http, RouteTable routes) {
}
