package dev.weft.proxy.upstream;

import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * What a request tells the load balancer (Envoy's LoadBalancerContext): its hash for hash-based
 * balancers, and which hosts to avoid (a retry's previous hosts), tried up to {@code maxAttempts}
 * picks before the last pick is taken anyway.
 */
public record HostSelection(OptionalLong hash, Predicate<UpstreamHost> avoid, int maxAttempts) {

    public static final HostSelection ANY = new HostSelection(OptionalLong.empty(), host -> false, 1);
}
