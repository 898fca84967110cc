package dev.weft.proxy.config;

import dev.weft.proxy.route.RouteTable;

/** Where an HTTP connection manager's routes come from: RDS by name, or inline. */
public sealed interface RouteSource {

    record Rds(String name) implements RouteSource {
    }

    record Inline(RouteTable table) implements RouteSource {
    }
}
