package dev.weft.proxy.route;

/** One route of a virtual host: first match wins. */
public record Route(String name, RouteMatch match, RouteAction action) {
}
