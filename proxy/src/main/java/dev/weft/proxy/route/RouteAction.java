package dev.weft.proxy.route;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a matched route does (Envoy's {@code Route.action} oneof, the parts this proxy implements). */
public sealed interface RouteAction {

    /** Clusters this action may send to. */
    List<String> clusters();

    /**
     * {@code route}: forward upstream.
     *
     * @param prefixRewrite replaces the matched path prefix (null: none)
     * @param hostRewrite   {@code host_rewrite_literal} (null: keep the Host)
     * @param timeout       whole-request timeout, retries included; zero disables it (Envoy's default is 15s)
     * @param regexRewrite  {@code regex_rewrite} of the path
     * @param retryPolicy   the route's {@code retry_policy}, else the virtual host's
     * @param attemptCount  the virtual host's {@code include_request_attempt_count} and
     *                      {@code include_attempt_count_in_response}
     * @param mirrors       {@code request_mirror_policies}
     * @param hashPolicies  {@code hash_policy}: the request's hash for RING_HASH / MAGLEV clusters
     * @param grpcTimeoutHeaderMax {@code max_stream_duration.grpc_timeout_header_max}: when set, a gRPC
     *                      request's timeout is its grpc-timeout header capped by this (zero: uncapped)
     */
    record Forward(ClusterSpecifier target, String prefixRewrite, String hostRewrite, Duration timeout,
            Optional<RegexRewrite> regexRewrite, Optional<RetryPolicy> retryPolicy, AttemptCount attemptCount,
            List<MirrorPolicy> mirrors, List<HashPolicy> hashPolicies, Optional<Duration> grpcTimeoutHeaderMax)
            implements RouteAction {

        public Forward {
            mirrors = List.copyOf(mirrors);
            hashPolicies = List.copyOf(hashPolicies);
        }

        public Forward(ClusterSpecifier target, String prefixRewrite, String hostRewrite, Duration timeout,
                Optional<RegexRewrite> regexRewrite, Optional<RetryPolicy> retryPolicy, AttemptCount attemptCount,
                List<MirrorPolicy> mirrors, List<HashPolicy> hashPolicies) {
            this(target, prefixRewrite, hostRewrite, timeout, regexRewrite, retryPolicy, attemptCount, mirrors,
                    hashPolicies, Optional.empty());
        }

        public Forward(ClusterSpecifier target, String prefixRewrite, String hostRewrite, Duration timeout) {
            this(target, prefixRewrite, hostRewrite, timeout, Optional.empty(), Optional.empty(), AttemptCount.NONE,
                    List.of(), List.of());
        }

        /** The same action with another route timeout (a gRPC request's, from its grpc-timeout). */
        public Forward withTimeout(Duration newTimeout) {
            return newTimeout.equals(timeout) ? this : new Forward(target, prefixRewrite, hostRewrite, newTimeout,
                    regexRewrite, retryPolicy, attemptCount, mirrors, hashPolicies, grpcTimeoutHeaderMax);
        }

        @Override
        public List<String> clusters() {
            return target.clusters();
        }
    }

    /** Whether {@code x-envoy-attempt-count} goes to the upstream request and to the response. */
    record AttemptCount(boolean inRequest, boolean inResponse) {
        public static final AttemptCount NONE = new AttemptCount(false, false);
    }

    /** {@code direct_response}: answer without going upstream. */
    record DirectResponse(int status, String body) implements RouteAction {
        @Override
        public List<String> clusters() {
            return List.of();
        }
    }

    /**
     * {@code redirect}: answer with a Location built from the request (Envoy's RedirectAction).
     *
     * @param scheme        {@code scheme_redirect}, or "https" for {@code https_redirect} (null: keep)
     * @param host          {@code host_redirect} (null: keep)
     * @param port          {@code port_redirect} (0: keep, but drop the old scheme's default port)
     * @param path          {@code path_redirect} (null: keep); may carry a query
     * @param prefixRewrite {@code prefix_rewrite} of the matched prefix (null: none)
     * @param regexRewrite  {@code regex_rewrite} of the path
     * @param status        301, 302, 303, 307 or 308
     * @param stripQuery    {@code strip_query}
     */
    record Redirect(String scheme, String host, int port, String path, String prefixRewrite,
            Optional<RegexRewrite> regexRewrite, int status, boolean stripQuery) implements RouteAction {
        @Override
        public List<String> clusters() {
            return List.of();
        }
    }
}
