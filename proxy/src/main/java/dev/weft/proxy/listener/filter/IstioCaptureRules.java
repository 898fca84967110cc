package dev.weft.proxy.listener.filter;

import java.util.List;

/**
 * The iptables nat rules that put a proxy's capture listeners in the path, as Istio's init
 * container (istio-iptables, REDIRECT mode) writes them inside a pod's network namespace, reduced
 * to TCP over IPv4: inbound TCP to virtualInbound (15006, read back with {@link OriginalDestination}),
 * outbound TCP to virtualOutbound (15001) except the proxy's own (by uid) and loopback. Inbound
 * ports 22, 15000 (the proxy's admin on the pod address), 15020, 15021 and 15090 stay direct, as
 * Istio exempts its own ports. Used by {@code weft up --transparent} and the capture tests; each
 * string is the arguments of one {@code iptables} call.
 */
public final class IstioCaptureRules {
    private IstioCaptureRules() {}

    public static final int OUTBOUND_PORT = 15001;
    public static final int INBOUND_PORT = 15006;
    /** Istio's proxy uid. */
    public static final int ISTIO_PROXY_UID = 1337;

    /** The rules for a proxy running as {@code proxyUid}, in the order they are applied. */
    public static List<String> rules(int proxyUid) {
        return List.of(
                "-t nat -N ISTIO_INBOUND", "-t nat -N ISTIO_REDIRECT", "-t nat -N ISTIO_IN_REDIRECT", "-t nat -N ISTIO_OUTPUT",
                "-t nat -A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports " + OUTBOUND_PORT,
                "-t nat -A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports " + INBOUND_PORT,
                "-t nat -A PREROUTING -p tcp -j ISTIO_INBOUND",
                "-t nat -A ISTIO_INBOUND -p tcp -m multiport --dports 22,15000,15020,15021,15090 -j RETURN",
                "-t nat -A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT",
                "-t nat -A OUTPUT -p tcp -j ISTIO_OUTPUT",
                "-t nat -A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
                "-t nat -A ISTIO_OUTPUT -o lo -m owner ! --uid-owner " + proxyUid + " -j RETURN",
                "-t nat -A ISTIO_OUTPUT -m owner --uid-owner " + proxyUid + " -j RETURN",
                "-t nat -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN",
                "-t nat -A ISTIO_OUTPUT -j ISTIO_REDIRECT");
    }
}
