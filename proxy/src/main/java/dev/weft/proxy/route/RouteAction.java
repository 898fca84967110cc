package dev.weft.proxy.route;

import java.time.Duration;
import java.util.List;

/** What a matched route does (Envoy's {@code Route.action} oneof, the parts this proxy implements). */
public sealed interface RouteAction {

    /** Clusters this action may send to. */
    List<String> clusters();

    /**
     * {@code route}: forward upstream.
     *
     * @param prefixRewrite replaces the matched path prefix (null: none)
     * @param hostRewrite   {@code host_rewrite_literal} (null: keep the Host)
     * @param timeout       whole-request timeout; zero disables it (Envoy's default is 15s)
     * @param grpcTimeoutHeaderMax {@code max_stream_duration.grpc_timeout_header_max}: when set, a gRPC
     *                      request's timeout is its grpc-timeout header capped by this (zero: uncapped)
     */
    record Forward(ClusterSpecifier target, String prefixRewrite, String hostRewrite, Duration timeout,
            java.util.Optional<Duration> grpcTimeoutHeaderMax) implements RouteAction {

        public Forward(ClusterSpecifier target, String prefixRewrite, String hostRewrite, Duration timeout) {
            this(target, prefixRewrite, hostRewrite, timeout, java.util.Optional.empty());
        }

        @Override
        public List<String> clusters() {
            return target.clusters();
        }
    }

    /** {@code direct_response}: answer without going upstream. */
    record DirectResponse(int status, String body) implements RouteAction {
        @Override
        public List<String> clusters() {
            return List.of();
        }
    }
}
