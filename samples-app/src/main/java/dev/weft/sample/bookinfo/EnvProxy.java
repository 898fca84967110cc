package dev.weft.sample.bookinfo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The standard proxy variables as a {@link ProxySelector}: plain-HTTP calls go to the proxy in
 * absolute form ({@code GET http://reviews:9080/reviews/0}), which is how a sidecar placed in front
 * of a service receives its outbound traffic without iptables. Hosts named in NO_PROXY go direct.
 */
final class EnvProxy extends ProxySelector {

    private final String host;
    private final int port;
    private final List<String> noProxy;

    private EnvProxy(String host, int port, List<String> noProxy) {
        this.host = host;
        this.port = port;
        this.noProxy = noProxy;
    }

    /**
     * Parses a proxy URL ({@code http://host:port}, or just {@code host:port}) and a NO_PROXY list.
     *
     * @throws IllegalArgumentException when the URL is not a plain HTTP proxy
     */
    static EnvProxy parse(String proxyUrl, String noProxyList) {
        String spec = proxyUrl.trim();
        if (!spec.contains("://")) {
            spec = "http://" + spec;
        }
        URI uri;
        try {
            uri = new URI(spec);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("proxy '" + proxyUrl + "' is not a URL: " + e.getReason());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("proxy '" + proxyUrl + "': only an http:// proxy is supported");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("proxy '" + proxyUrl + "' names no host");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("proxy '" + proxyUrl + "': proxy credentials are not supported");
        }
        List<String> noProxy = noProxyList == null ? List.of()
                : java.util.Arrays.stream(noProxyList.split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT))
                        .filter(s -> !s.isEmpty())
                        .toList();
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new EnvProxy(host, uri.getPort() == -1 ? 80 : uri.getPort(), noProxy);
    }

    String describe() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public List<Proxy> select(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || bypass(uri.getHost())) {
            return List.of(Proxy.NO_PROXY);
        }
        // Resolved on every call so a restarted proxy with a new address is found again.
        return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(host, port)));
    }

    /** curl's NO_PROXY rules: "*" for all, else a name matches itself and its subdomains. */
    boolean bypass(String target) {
        if (target == null) {
            return false;
        }
        String name = target.toLowerCase(Locale.ROOT);
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String domain = entry.startsWith(".") ? entry.substring(1) : entry;
            if (name.equals(domain) || name.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // Nothing to remember: the caller reports the failure as the service being unavailable.
    }
}
