package dev.weft.sample.bookinfo;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one service runs, from its flags and environment (flags win). The environment variables are
 * the originals' (DETAILS_HOSTNAME, DETAILS_SERVICE_PORT, SERVICES_DOMAIN, ENABLE_RATINGS,
 * STAR_COLOR, SERVICE_VERSION ...), so the same Deployment YAML configures either implementation.
 *
 * @param upstreamTimeout how long the service waits for a service it calls: productpage 3 s (its
 *     {@code timeout=3.0}); reviews 10 s for black stars and 2.5 s otherwise, as the original
 * @param proxy where outbound plain-HTTP calls go (HTTP_PROXY), or null
 * @param podName / clusterName what reviews reports as "podname" / "clustername" (HOSTNAME,
 *     CLUSTER_NAME; the original prints Java's "null" when unset, and so do we)
 */
public record Settings(
        Service service,
        String bindHost,
        int port,
        String version,
        Endpoint details,
        Endpoint reviews,
        Endpoint ratings,
        boolean ratingsEnabled,
        String starColor,
        Duration upstreamTimeout,
        EnvProxy proxy,
        String podName,
        String clusterName,
        boolean accessLog) {

    public enum Service { PRODUCTPAGE, DETAILS, REVIEWS, RATINGS }

    /** A service this one calls, as host and port. */
    public record Endpoint(String host, int port) {
        URI uri(String path) {
            String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            return URI.create("http://" + h + ":" + port + path);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    static final int DEFAULT_PORT = 9080;

    private static final Map<Service, Set<String>> VERSIONS = Map.of(
            Service.PRODUCTPAGE, Set.of("v1"),
            Service.DETAILS, Set.of("v1"),
            Service.REVIEWS, Set.of("v1", "v2", "v3"),
            Service.RATINGS, Set.of("v1", "v-faulty", "v-delayed", "v-unavailable", "v-unhealthy"));

    static final String USAGE = """
            usage: BookinfoMain <productpage|details|reviews|ratings> [port] [options]
              --port N              port to listen on (env PORT; default 9080)
              --bind ADDRESS        address to listen on (default 0.0.0.0)
              --version V           reviews: v1 (no stars), v2 (black), v3 (red);
                                    ratings: v1, v-faulty, v-delayed, v-unavailable, v-unhealthy
                                    (env SERVICE_VERSION; default v1)
              --details HOST:PORT   details service (env DETAILS_HOSTNAME[.SERVICES_DOMAIN], DETAILS_SERVICE_PORT)
              --reviews HOST:PORT   reviews service (env REVIEWS_HOSTNAME, REVIEWS_SERVICE_PORT)
              --ratings HOST:PORT   ratings service (env RATINGS_HOSTNAME, RATINGS_SERVICE_PORT)
              --enable-ratings B    reviews calls ratings (env ENABLE_RATINGS; v2 and v3 imply true)
              --star-color COLOR    reviews star color (env STAR_COLOR; v3 implies red, else black)
              --upstream-timeout-ms N  wait for a called service (productpage 3000; reviews 10000 black, 2500 other)
              --proxy URL           send outbound calls through this HTTP proxy (env http_proxy, HTTP_PROXY)
              --no-proxy LIST       hosts that bypass the proxy (env no_proxy, NO_PROXY)
              --quiet               no access log
            """;

    /**
     * Reads the service name, flags and environment.
     *
     * @throws IllegalArgumentException with a message for the user when something is wrong
     */
    public static Settings parse(List<String> args, Map<String, String> env) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("name the service to run");
        }
        Service service;
        try {
            service = Service.valueOf(args.getFirst().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown service '" + args.getFirst()
                    + "': expected productpage, details, reviews or ratings");
        }
        var flags = new java.util.HashMap<String, String>();
        boolean quiet = false;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--quiet")) {
                quiet = true;
            } else if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                if (!Set.of("port", "bind", "version", "details", "reviews", "ratings", "enable-ratings",
                        "star-color", "upstream-timeout-ms", "proxy", "no-proxy").contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name);
                }
                flags.put(name, value);
            } else if (i == 1 && !flags.containsKey("port")) {
                flags.put("port", arg); // the originals take the port as their only argument
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
        }

        int port = number(first(flags.get("port"), env.get("PORT"), String.valueOf(DEFAULT_PORT)), "--port", 0, 65535);
        String version = first(flags.get("version"), env.get("SERVICE_VERSION"), "v1");
        if (!VERSIONS.get(service).contains(version)) {
            throw new IllegalArgumentException(service.name().toLowerCase(java.util.Locale.ROOT) + " has no version '"
                    + version + "': expected one of " + VERSIONS.get(service).stream().sorted().toList());
        }
        String domain = env.get("SERVICES_DOMAIN") == null ? "" : "." + env.get("SERVICES_DOMAIN");
        Endpoint details = endpoint(flags.get("details"), env, "DETAILS", "details", domain);
        Endpoint reviews = endpoint(flags.get("reviews"), env, "REVIEWS", "reviews", domain);
        Endpoint ratings = endpoint(flags.get("ratings"), env, "RATINGS", "ratings", domain);

        // The three reviews images differ only in ENABLE_RATINGS and STAR_COLOR; the version picks them.
        boolean versionRatings = version.equals("v2") || version.equals("v3");
        String versionColor = version.equals("v3") ? "red" : "black";
        // Boolean.valueOf, as the original: anything but "true" (any case) is false.
        boolean ratingsEnabled = Boolean.parseBoolean(
                first(flags.get("enable-ratings"), env.get("ENABLE_RATINGS"), String.valueOf(versionRatings)));
        String starColor = first(flags.get("star-color"), env.get("STAR_COLOR"), versionColor);

        Duration defaultTimeout = switch (service) {
            case PRODUCTPAGE -> Duration.ofSeconds(3);
            case REVIEWS -> starColor.equals("black") ? Duration.ofMillis(10_000) : Duration.ofMillis(2_500);
            default -> Duration.ofSeconds(3);
        };
        Duration timeout = defaultTimeout;
        if (flags.containsKey("upstream-timeout-ms")) {
            timeout = Duration.ofMillis(number(flags.get("upstream-timeout-ms"), "--upstream-timeout-ms", 1, 600_000));
        }

        String proxyUrl = first(flags.get("proxy"), env.get("http_proxy"), env.get("HTTP_PROXY"));
        EnvProxy proxy = proxyUrl == null || proxyUrl.isBlank() ? null
                : EnvProxy.parse(proxyUrl, first(flags.get("no-proxy"), env.get("no_proxy"), env.get("NO_PROXY")));

        return new Settings(service, first(flags.get("bind"), "0.0.0.0"), port, version, details, reviews, ratings,
                ratingsEnabled, starColor, timeout, proxy, String.valueOf(env.get("HOSTNAME")),
                String.valueOf(env.get("CLUSTER_NAME")), !quiet);
    }

    private static Endpoint endpoint(String flag, Map<String, String> env, String prefix, String defaultHost,
            String domain) {
        if (flag != null) {
            int colon = flag.lastIndexOf(':');
            if (colon <= 0 || flag.endsWith("]")) {
                return new Endpoint(flag, DEFAULT_PORT);
            }
            String host = flag.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new Endpoint(host, number(flag.substring(colon + 1), "--" + defaultHost, 1, 65535));
        }
        String host = first(env.get(prefix + "_HOSTNAME"), defaultHost) + domain;
        String port = env.get(prefix + "_SERVICE_PORT");
        return new Endpoint(host, port == null ? DEFAULT_PORT : number(port, prefix + "_SERVICE_PORT", 1, 65535));
    }

    private static int number(String text, String what, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": '" + text + "' is not a number from " + min + " to " + max);
    }

    private static String first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
