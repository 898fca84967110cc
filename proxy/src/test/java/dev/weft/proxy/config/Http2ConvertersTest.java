package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The HTTP/2 and gRPC parts of clusters, connection managers and routes, as weftd sends them. */
class Http2ConvertersTest {

    private static final String OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private static Cluster cluster(HttpProtocolOptions options) {
        return Cluster.newBuilder().setName("outbound|9090||grpc.default.svc.cluster.local")
                .setType(Cluster.DiscoveryType.EDS)
                .putTypedExtensionProtocolOptions(OPTIONS, Any.pack(options))
                .build();
    }

    @Test
    void aGrpcPortsClusterIsHttp2WithItsStreamLimit() throws ConversionException {
        // ClusterPolicies.httpOptions for a grpc port with connectionPool.http.maxConcurrentStreams 50.
        ClusterConfig config = ClusterConverter.convert(cluster(HttpProtocolOptions.newBuilder()
                .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                        .setHttp2ProtocolOptions(Http2ProtocolOptions.newBuilder()
                                .setMaxConcurrentStreams(UInt32Value.of(50))))
                .build()));
        assertThat(config.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP2);
        assertThat(config.http2().maxConcurrentStreams()).isEqualTo(50);
    }

    @Test
    void useClientProtocolAndPlainHttpPortsAndDefaults() throws ConversionException {
        ClusterConfig downstream = ClusterConverter.convert(cluster(HttpProtocolOptions.newBuilder()
                .setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
                        .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
                        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                .build()));
        assertThat(downstream.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.USE_DOWNSTREAM);
        assertThat(downstream.http2()).isEqualTo(Http2Options.UPSTREAM);

        ClusterConfig http1 = ClusterConverter.convert(cluster(HttpProtocolOptions.newBuilder()
                .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                        .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()))
                .build()));
        assertThat(http1.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP1);

        ClusterConfig plain = ClusterConverter.convert(Cluster.newBuilder().setName("c").build());
        assertThat(plain.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP1);

        ClusterConfig deprecated = ClusterConverter.convert(Cluster.newBuilder().setName("c")
                .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()).build());
        assertThat(deprecated.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP2);
    }

    @Test
    void optionsThisProxyCannotHonourAreRefusedByField() {
        assertThatThrownBy(() -> ClusterConverter.convert(cluster(HttpProtocolOptions.newBuilder()
                .setAutoConfig(HttpProtocolOptions.AutoHttpConfig.getDefaultInstance()).build())))
                .hasMessage("typed_extension_protocol_options[" + OPTIONS + "].auto_config: needs a TLS "
                        + "transport_socket (the protocol is chosen by ALPN)");
        assertThatThrownBy(() -> ClusterConverter.convert(cluster(HttpProtocolOptions.newBuilder()
                .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                        .setHttp2ProtocolOptions(Http2ProtocolOptions.newBuilder()
                                .setInitialStreamWindowSize(UInt32Value.of(100))))
                .build())))
                .hasMessage("typed_extension_protocol_options[" + OPTIONS + "].explicit_http_config"
                        + ".http2_protocol_options.initial_stream_window_size: must be in [65535, 2147483647], not 100");
    }

    @Test
    void theConnectionManagersHttp2OptionsBoundDownstreamConnections() throws ConversionException {
        HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder().setStatPrefix("in")
                .setRds(Rds.newBuilder().setRouteConfigName("r"));
        assertThat(ListenerConverter.http(hcm.build(), "f").http2()).isEqualTo(Http2Options.DOWNSTREAM);
        Http2Options set = ListenerConverter.http(hcm.setHttp2ProtocolOptions(Http2ProtocolOptions.newBuilder()
                .setMaxConcurrentStreams(UInt32Value.of(10))
                .setMaxOutboundControlFrames(UInt32Value.of(100))).build(), "f").http2();
        assertThat(set.maxConcurrentStreams()).isEqualTo(10);
        assertThat(set.maxOutboundControlFrames()).isEqualTo(100);
        assertThat(set.maxConsecutiveEmptyFrames()).isEqualTo(Http2Options.DOWNSTREAM.maxConsecutiveEmptyFrames());
    }

    @Test
    void theRoutesGrpcTimeoutHeaderMaxIsKept() throws ConversionException {
        var route = io.envoyproxy.envoy.config.route.v3.Route.newBuilder()
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("c")
                        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(0))
                        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                                .setMaxStreamDuration(com.google.protobuf.Duration.newBuilder().setSeconds(0))
                                .setGrpcTimeoutHeaderMax(com.google.protobuf.Duration.newBuilder().setSeconds(0))));
        var table = RouteConverter.convert(RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(io.envoyproxy.envoy.config.route.v3.VirtualHost.newBuilder().setName("v")
                        .addDomains("*").addRoutes(route)).build());
        var forward = (dev.weft.proxy.route.RouteAction.Forward) table.virtualHosts().getFirst().routes().getFirst()
                .action();
        assertThat(forward.grpcTimeoutHeaderMax()).isEqualTo(Optional.of(Duration.ZERO));
    }
}
