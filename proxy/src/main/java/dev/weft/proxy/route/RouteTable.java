package dev.weft.proxy.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A route configuration ready for lookups: virtual hosts indexed by domain the way Envoy selects
 * them (config/route/config_impl.cc): an exact domain first, then the longest suffix wildcard
 * ({@code *.example.com}, {@code *-bar.example.com}), then the longest prefix wildcard
 * ({@code example.*}), then {@code *}. Domains are case-insensitive. The Host is matched as sent,
 * port included, unless the connection manager strips the port ({@code strip_any_host_port}).
 */
public final class RouteTable {

    private final String name;
    private final List<VirtualHost> virtualHosts;
    private final Map<String, VirtualHost> exact = new HashMap<>();
    private final List<Wildcard> suffixes = new ArrayList<>();
    private final List<Wildcard> prefixes = new ArrayList<>();
    private VirtualHost any;
    private final boolean vhds;

    private record Wildcard(String fixedPart, VirtualHost virtualHost) {
    }

    public RouteTable(String name, List<VirtualHost> virtualHosts) {
        this(name, virtualHosts, false);
    }

    /** @param vhds the route configuration gets (more) virtual hosts through VHDS (Envoy's {@code vhds}) */
    public RouteTable(String name, List<VirtualHost> virtualHosts, boolean vhds) {
        this.vhds = vhds;
        this.name = name;
        this.virtualHosts = List.copyOf(virtualHosts);
        for (VirtualHost virtualHost : this.virtualHosts) {
            for (String domain : virtualHost.domains()) {
                String d = domain.toLowerCase(Locale.ROOT);
                if (d.equals("*")) {
                    any = virtualHost;
                } else if (d.startsWith("*")) {
                    suffixes.add(new Wildcard(d.substring(1), virtualHost));
                } else if (d.endsWith("*")) {
                    prefixes.add(new Wildcard(d.substring(0, d.length() - 1), virtualHost));
                } else {
                    exact.putIfAbsent(d, virtualHost);
                }
            }
        }
        // Longest first; equal lengths keep configuration order (the sort is stable).
        suffixes.sort((a, b) -> b.fixedPart.length() - a.fixedPart.length());
        prefixes.sort((a, b) -> b.fixedPart.length() - a.fixedPart.length());
    }

    public String name() {
        return name;
    }

    /** Whether the route configuration says its virtual hosts (also) come through VHDS. */
    public boolean vhds() {
        return vhds;
    }

    public List<VirtualHost> virtualHosts() {
        return virtualHosts;
    }

    /** The virtual host for a Host value (empty when none matches: Envoy's NR). */
    public Optional<VirtualHost> virtualHost(String host) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        VirtualHost found = exact.get(h);
        if (found != null) {
            return Optional.of(found);
        }
        // A wildcard stands for at least one character: "*.foo.com" does not match ".foo.com".
        for (Wildcard suffix : suffixes) {
            if (h.length() > suffix.fixedPart.length() && h.endsWith(suffix.fixedPart)) {
                return Optional.of(suffix.virtualHost);
            }
        }
        for (Wildcard prefix : prefixes) {
            if (h.length() > prefix.fixedPart.length() && h.startsWith(prefix.fixedPart)) {
                return Optional.of(prefix.virtualHost);
            }
        }
        return Optional.ofNullable(any);
    }

    /** The virtual host of a request (its authority, the port stripped if asked). */
    public Optional<VirtualHost> virtualHost(RequestView request, boolean stripPort) {
        String host = request.authority();
        return virtualHost(stripPort ? withoutPort(host) : host);
    }

    /**
     * Whether the request's virtual host requires TLS ({@code require_tls}): checked before any route,
     * as Envoy answers such a request with a redirect whatever its path.
     */
    public boolean requiresTls(RequestView request, boolean stripPort) {
        String host = request.authority();
        if (stripPort) {
            host = withoutPort(host);
        }
        return virtualHost(host).map(VirtualHost::requireTls).orElse(false);
    }

    /** Virtual host, then the first matching route. */
    public Optional<Route> route(RequestView request, boolean stripPort) {
        String host = request.authority();
        if (stripPort) {
            host = withoutPort(host);
        }
        return virtualHost(host).flatMap(virtualHost -> virtualHost.route(request));
    }

    /** Every cluster any route may send to. */
    public List<String> referencedClusters() {
        return virtualHosts.stream()
                .flatMap(virtualHost -> virtualHost.routes().stream())
                .flatMap(route -> route.action().clusters().stream())
                .distinct()
                .toList();
    }

    static String withoutPort(String host) {
        if (host == null) {
            return "";
        }
        int colon = host.lastIndexOf(':');
        int bracket = host.lastIndexOf(']');
        if (colon > bracket && host.indexOf(':') == colon || (bracket >= 0 && colon > bracket)) {
            return host.substring(0, colon);
        }
        return host;
    }
}
