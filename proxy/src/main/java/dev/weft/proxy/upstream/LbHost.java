package dev.weft.proxy.upstream;

/** What a load balancer reads of a host. */
public interface LbHost {

    /** Requests in flight to this host right now. */
    int activeRequests();

    /** {@code load_balancing_weight} (at least 1). */
    int weight();

    /** What hash-based balancers hash for this host (Envoy: its address, {@code ip:port}). */
    default String hashKey() {
        return toString();
    }
}
