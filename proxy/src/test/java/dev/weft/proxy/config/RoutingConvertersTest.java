package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import dev.weft.proxy.route.HashPolicy;
import dev.weft.proxy.route.HeaderMutation;
import dev.weft.proxy.route.RetryPolicy;
import dev.weft.proxy.route.Route;
import dev.weft.proxy.route.RouteAction;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Converters of retries, header mutations, redirects, hash policies, outlier detection and LB options. */
class RoutingConvertersTest {

    private static io.envoyproxy.envoy.config.route.v3.Route.Builder route() {
        return io.envoyproxy.envoy.config.route.v3.Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"));
    }

    private static Route convertOne(VirtualHost.Builder host) throws ConversionException {
        return RouteConverter.convert(RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(host.setName("v").addDomains("*")).build())
                .virtualHosts().getFirst().routes().getFirst();
    }

    /** Istio's default retry policy, as the control plane writes it. */
    private static io.envoyproxy.envoy.config.route.v3.RetryPolicy istioDefault() {
        return io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
                .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
                .setNumRetries(UInt32Value.of(2))
                .addRetriableStatusCodes(503)
                .addRetryHostPredicate(io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryHostPredicate.newBuilder()
                        .setName("envoy.retry_host_predicates.previous_hosts")
                        .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                .setHostSelectionRetryMaxAttempts(5)
                .build();
    }

    @Test
    void istiosDefaultRetryPolicyAndTheVirtualHostFallback() throws ConversionException {
        Route route = convertOne(VirtualHost.newBuilder().addRoutes(route().setRoute(
                io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")
                        .setRetryPolicy(istioDefault()))));
        RetryPolicy retry = ((RouteAction.Forward) route.action()).retryPolicy().orElseThrow();
        assertThat(retry.retryOn()).containsExactlyInAnyOrder(RetryPolicy.RetryOn.CONNECT_FAILURE,
                RetryPolicy.RetryOn.REFUSED_STREAM, RetryPolicy.RetryOn.GRPC_UNAVAILABLE,
                RetryPolicy.RetryOn.GRPC_CANCELLED, RetryPolicy.RetryOn.RETRIABLE_STATUS_CODES);
        assertThat(retry.numRetries()).isEqualTo(2);
        assertThat(retry.retriableStatusCodes()).containsExactly(503);
        assertThat(retry.avoidPreviousHosts()).isTrue();
        assertThat(retry.hostSelectionMaxAttempts()).isEqualTo(5);
        assertThat(retry.baseInterval()).isEqualTo(Duration.ofMillis(25));
        assertThat(retry.maxInterval()).isEqualTo(Duration.ofMillis(250));

        Route fromHost = convertOne(VirtualHost.newBuilder()
                .setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("5xx"))
                .setIncludeRequestAttemptCount(true)
                .addRoutes(route().setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder()
                        .setCluster("c"))));
        RouteAction.Forward forward = (RouteAction.Forward) fromHost.action();
        assertThat(forward.retryPolicy().orElseThrow().numRetries()).as("Envoy's default num_retries").isEqualTo(1);
        assertThat(forward.attemptCount().inRequest()).isTrue();

        assertThatThrownBy(() -> convertOne(VirtualHost.newBuilder().addRoutes(route().setRoute(
                io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")
                        .setRetryPolicy(istioDefault().toBuilder().addRetryHostPredicate(
                                io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryHostPredicate.newBuilder()
                                        .setName("envoy.retry_host_predicates.omit_canary_hosts")))))))
                .hasMessageContaining("retry_host_predicate[1]: 'envoy.retry_host_predicates.omit_canary_hosts' "
                        + "is not supported");
    }

    @Test
    void headerMutationsOfEachLevelInEnvoysOrder() throws ConversionException {
        HeaderValueOption overwrite = HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("X-Level").setValue("route"))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build();
        Route route = convertOne(VirtualHost.newBuilder()
                .addRequestHeadersToAdd(overwrite.toBuilder().setHeader(HeaderValue.newBuilder().setKey("x-level")
                        .setValue("vhost")))
                .addRoutes(route().addRequestHeadersToAdd(overwrite).addRequestHeadersToRemove("X-Gone")
                        .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c"))));
        assertThat(route.requestHeaders()).hasSize(2);
        assertThat(route.requestHeaders().getFirst().remove()).containsExactly("x-gone");
        var headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        HeaderMutation.applyAll(route.requestHeaders(), headers);
        // Without most_specific_header_mutations_wins the virtual host's overwrite comes last.
        assertThat(headers.getAll("x-level")).containsExactly("vhost");

        assertThatThrownBy(() -> convertOne(VirtualHost.newBuilder().addRoutes(route()
                .addRequestHeadersToAdd(overwrite.toBuilder().setHeader(HeaderValue.newBuilder().setKey("x-ip")
                        .setValue("%DOWNSTREAM_REMOTE_ADDRESS%")))
                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")))))
                .hasMessageContaining("%COMMAND% substitutions are not supported");
        assertThatThrownBy(() -> convertOne(VirtualHost.newBuilder().addRoutes(route()
                .addRequestHeadersToRemove(":path")
                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")))))
                .hasMessageContaining("':path' cannot be removed");
        // What could not go on the wire as a header (or would split it) is refused with the config.
        assertThatThrownBy(() -> convertOne(VirtualHost.newBuilder().addRoutes(route()
                .addRequestHeadersToAdd(overwrite.toBuilder().setHeader(HeaderValue.newBuilder().setKey("x-a")
                        .setValue("v\r\nx-injected: 1")))
                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")))))
                .hasMessageContaining("not a valid header value");
        assertThatThrownBy(() -> convertOne(VirtualHost.newBuilder().addRoutes(route()
                .addRequestHeadersToAdd(overwrite.toBuilder().setHeader(HeaderValue.newBuilder().setKey("x a")
                        .setValue("v")))
                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")))))
                .hasMessageContaining("'x a' is not a valid header name");
    }

    /**
     * A VHDS virtual host is converted once, when it arrives, without its route configuration; the
     * route configuration's header mutations are added when it is joined, in the same place as for a
     * virtual host of its own: the joined table equals the whole route configuration's.
     */
    @Test
    void aVhdsVirtualHostGetsItsRouteConfigurationsHeaderMutationsAtTheJoin() throws ConversionException {
        HeaderValueOption add = HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-level").setValue("config"))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD).build();
        VirtualHost host = VirtualHost.newBuilder().setName("r/v").addDomains("v.example.com")
                .addRequestHeadersToAdd(add.toBuilder().setHeader(HeaderValue.newBuilder().setKey("x-level")
                        .setValue("vhost")))
                .addRoutes(route().addRequestHeadersToAdd(add.toBuilder().setHeader(HeaderValue.newBuilder()
                                .setKey("x-level").setValue("route")))
                        .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")))
                .build();
        RouteConfiguration config = RouteConfiguration.newBuilder().setName("r")
                .addRequestHeadersToAdd(add).addResponseHeadersToRemove("x-internal")
                .setVhds(io.envoyproxy.envoy.config.route.v3.Vhds.newBuilder().setConfigSource(
                        io.envoyproxy.envoy.config.core.v3.ConfigSource.newBuilder().setAds(
                                io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource.getDefaultInstance())))
                .build();
        dev.weft.proxy.route.VirtualHost arrived = RouteConverter.vhdsVirtualHost(host);
        assertThat(arrived.routes().getFirst().requestHeaders()).hasSize(2); // route, virtual host

        var joined = RouteConverter.convert(config, java.util.List.of(arrived));
        var whole = RouteConverter.convert(config.toBuilder().clearVhds().addVirtualHosts(host).build());
        assertThat(joined.virtualHosts()).isEqualTo(whole.virtualHosts());
        Route route = joined.virtualHosts().getFirst().routes().getFirst();
        var headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        HeaderMutation.applyAll(route.requestHeaders(), headers);
        assertThat(headers.getAll("x-level")).containsExactly("route", "vhost", "config");
        assertThat(route.responseHeaders()).hasSize(1);
        // Without route configuration settings the joined virtual host is the one that arrived.
        assertThat(RouteConverter.convert(config.toBuilder().clearRequestHeadersToAdd().clearResponseHeadersToRemove()
                .build(), java.util.List.of(arrived)).virtualHosts().getFirst()).isSameAs(arrived);
        assertThatThrownBy(() -> RouteConverter.vhdsVirtualHost(host.toBuilder().clearDomains().build()))
                .hasMessage("vhds virtual host r/v.domains: at least one domain is required");
    }

    @Test
    void redirectsAndHashPolicies() throws ConversionException {
        Route redirect = convertOne(VirtualHost.newBuilder().addRoutes(route().setRedirect(RedirectAction.newBuilder()
                .setHttpsRedirect(true).setPortRedirect(8443).setPathRedirect("/login")
                .setResponseCode(RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT))));
        assertThat(redirect.action()).isEqualTo(new RouteAction.Redirect("https", null, 8443, "/login", null,
                Optional.empty(), 308, false));

        Route hashed = convertOne(VirtualHost.newBuilder().addRoutes(route().setRoute(
                io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c")
                        .addHashPolicy(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy.newBuilder()
                                .setHeader(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy.Header
                                        .newBuilder().setHeaderName("X-User")).setTerminal(true))
                        .addHashPolicy(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy.newBuilder()
                                .setConnectionProperties(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy
                                        .ConnectionProperties.newBuilder().setSourceIp(true))))));
        assertThat(((RouteAction.Forward) hashed.action()).hashPolicies()).containsExactly(
                new HashPolicy.Header("x-user", true), new HashPolicy.SourceIp(false));
    }

    @Test
    void outlierDetectionRetryBudgetAndHashBalancers() throws ConversionException {
        ClusterConfig cluster = ClusterConverter.convert(Cluster.newBuilder().setName("c")
                .setType(Cluster.DiscoveryType.EDS)
                .setLbPolicy(Cluster.LbPolicy.MAGLEV)
                .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                        .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                                .setBudgetPercent(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(25)))))
                .setOutlierDetection(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(7))
                        .setEnforcingSuccessRate(UInt32Value.of(0)))
                .build());
        assertThat(cluster.lbPolicy()).isEqualTo(ClusterConfig.LbPolicy.MAGLEV);
        assertThat(cluster.limits().retryBudget()).contains(new ClusterConfig.RetryBudget(25.0, 3));
        assertThat(cluster.outlierDetection().orElseThrow()).isEqualTo(new dev.weft.proxy.config.OutlierDetectionConfig(
                7, 100, 5, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), 10));
        assertThat(ClusterConverter.convert(Cluster.newBuilder().setName("one").setOutlierDetection(OutlierDetection
                .newBuilder().setAlwaysEjectOneHost(com.google.protobuf.BoolValue.of(true))).build())
                .outlierDetection().orElseThrow().alwaysEjectOneHost()).isTrue();

        ClusterConfig ring = ClusterConverter.convert(Cluster.newBuilder().setName("r")
                .setLbPolicy(Cluster.LbPolicy.RING_HASH)
                .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(2048)))
                .build());
        assertThat(ring.lbOptions().minRingSize()).isEqualTo(2048);

        assertThatThrownBy(() -> ClusterConverter.convert(Cluster.newBuilder().setName("m")
                .setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(65536))).build()))
                .hasMessageContaining("must be a prime number");
        // Success rate: Envoy's defaults, enforced at 100% when unset; failure percentage is refused.
        assertThat(ClusterConverter.convert(Cluster.newBuilder().setName("s")
                .setOutlierDetection(OutlierDetection.getDefaultInstance()).build())
                .outlierDetection().orElseThrow().successRate())
                .isEqualTo(new dev.weft.proxy.config.OutlierDetectionConfig.SuccessRate(5, 100, 1900, 100));
        assertThat(ClusterConverter.convert(Cluster.newBuilder().setName("s")
                .setOutlierDetection(OutlierDetection.newBuilder().setSuccessRateMinimumHosts(UInt32Value.of(3))
                        .setSuccessRateRequestVolume(UInt32Value.of(20)).setSuccessRateStdevFactor(UInt32Value.of(1000))
                        .setEnforcingSuccessRate(UInt32Value.of(50))).build())
                .outlierDetection().orElseThrow().successRate())
                .isEqualTo(new dev.weft.proxy.config.OutlierDetectionConfig.SuccessRate(3, 20, 1000, 50));
        // Failure percentage: Envoy's defaults (85 %, 5 hosts, 50 requests, not enforced), or as configured.
        assertThat(ClusterConverter.convert(Cluster.newBuilder().setName("f0")
                .setOutlierDetection(OutlierDetection.getDefaultInstance()).build())
                .outlierDetection().orElseThrow().failurePercentage())
                .isEqualTo(dev.weft.proxy.config.OutlierDetectionConfig.FailurePercentage.OFF);
        assertThat(ClusterConverter.convert(Cluster.newBuilder().setName("f")
                .setOutlierDetection(OutlierDetection.newBuilder().setEnforcingFailurePercentage(UInt32Value.of(100))
                        .setFailurePercentageThreshold(UInt32Value.of(60))
                        .setFailurePercentageMinimumHosts(UInt32Value.of(2))
                        .setFailurePercentageRequestVolume(UInt32Value.of(10)))
                .build())
                .outlierDetection().orElseThrow().failurePercentage())
                .isEqualTo(new dev.weft.proxy.config.OutlierDetectionConfig.FailurePercentage(60, 2, 10, 100));
    }
}
