package dev.weft.proxy.config;

import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.Optional;

/** CDS Cluster to {@link ClusterConfig}. */
public final class ClusterConverter {

    private static final System.Logger LOG = System.getLogger(ClusterConverter.class.getName());
    private static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private ClusterConverter() {
    }

    public static ClusterConfig convert(Cluster cluster) throws ConversionException {
        ClusterConfig.Discovery discovery = switch (cluster.getClusterDiscoveryTypeCase()) {
            case TYPE -> switch (cluster.getType()) {
                case STATIC -> ClusterConfig.Discovery.STATIC;
                case STRICT_DNS -> ClusterConfig.Discovery.STRICT_DNS;
                case LOGICAL_DNS -> ClusterConfig.Discovery.LOGICAL_DNS;
                case EDS -> ClusterConfig.Discovery.EDS;
                case ORIGINAL_DST -> ClusterConfig.Discovery.ORIGINAL_DST;
                case UNRECOGNIZED -> throw new ConversionException("type: unknown discovery type");
            };
            case CLUSTER_TYPE -> throw new ConversionException("cluster_type: custom cluster type "
                    + cluster.getClusterType().getName() + " is not supported by weft-proxy yet");
            case CLUSTERDISCOVERYTYPE_NOT_SET -> ClusterConfig.Discovery.STATIC;
        };
        String edsName = "";
        if (discovery == ClusterConfig.Discovery.EDS) {
            edsName = cluster.getEdsClusterConfig().getServiceName().isEmpty() ? cluster.getName()
                    : cluster.getEdsClusterConfig().getServiceName();
        }
        ClusterConfig.LbPolicy lbPolicy = switch (cluster.getLbPolicy()) {
            case ROUND_ROBIN -> ClusterConfig.LbPolicy.ROUND_ROBIN;
            case LEAST_REQUEST -> ClusterConfig.LbPolicy.LEAST_REQUEST;
            case RANDOM -> ClusterConfig.LbPolicy.RANDOM;
            default -> {
                // Hash-based policies need per-request hash keys (route hash_policy): not yet. Traffic
                // still flows, only without affinity.
                LOG.log(System.Logger.Level.WARNING, "cluster " + cluster.getName() + ": lb_policy "
                        + cluster.getLbPolicy() + " not implemented; using ROUND_ROBIN");
                yield ClusterConfig.LbPolicy.ROUND_ROBIN;
            }
        };
        Optional<dev.weft.proxy.tls.TlsContextConfig> tls = cluster.hasTransportSocket()
                ? TlsConverter.upstream(cluster.getTransportSocket(), "transport_socket") : Optional.empty();
        Protos.unsupported(cluster.getTransportSocketMatchesCount() > 0, "transport_socket_matches (upstream TLS)");
        Protos.unsupported(cluster.hasHttp2ProtocolOptions(), "http2_protocol_options (HTTP/2 upstreams)");
        int maxRequestsPerConnection = cluster.hasMaxRequestsPerConnection()
                ? uint32(cluster.getMaxRequestsPerConnection().getValue()) : 0;
        var protocolOptions = cluster.getTypedExtensionProtocolOptionsMap().get(HTTP_OPTIONS);
        if (protocolOptions != null) {
            HttpProtocolOptions options = Protos.unpack(protocolOptions, HttpProtocolOptions.class,
                    "typed_extension_protocol_options[" + HTTP_OPTIONS + "]");
            Protos.unsupported(options.hasExplicitHttpConfig() && options.getExplicitHttpConfig().hasHttp2ProtocolOptions(),
                    "typed_extension_protocol_options.explicit_http_config.http2_protocol_options (HTTP/2 upstreams)");
            if (options.getCommonHttpProtocolOptions().hasMaxRequestsPerConnection()) {
                maxRequestsPerConnection = uint32(options.getCommonHttpProtocolOptions().getMaxRequestsPerConnection().getValue());
            }
        }
        Duration connectTimeout = cluster.hasConnectTimeout() ? Protos.duration(cluster.getConnectTimeout())
                : Duration.ofSeconds(5);
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new ConversionException("connect_timeout: must be greater than 0");
        }
        Optional<EndpointsConfig> staticEndpoints = Optional.empty();
        if (discovery != ClusterConfig.Discovery.EDS && cluster.hasLoadAssignment()) {
            try {
                staticEndpoints = Optional.of(EndpointConverter.convert(cluster.getLoadAssignment()));
            } catch (ConversionException e) {
                throw e.under("load_assignment");
            }
        }
        return new ClusterConfig(cluster.getName(), discovery, edsName, lbPolicy, connectTimeout,
                limits(cluster.getCircuitBreakers()), maxRequestsPerConnection, staticEndpoints, tls);
    }

    /**
     * A proto uint32 arrives in Java as a signed int: Istio's "no limit" (4294967295) reads as -1.
     * Values past Integer.MAX_VALUE are, for a limit, the same as no limit.
     */
    static int uint32(int value) {
        return value < 0 ? Integer.MAX_VALUE : value;
    }

    private static ClusterConfig.Limits limits(CircuitBreakers breakers) {
        ClusterConfig.Limits defaults = ClusterConfig.Limits.DEFAULTS;
        for (var threshold : breakers.getThresholdsList()) {
            if (threshold.getPriority() == RoutingPriority.DEFAULT) {
                return new ClusterConfig.Limits(
                        threshold.hasMaxConnections() ? uint32(threshold.getMaxConnections().getValue()) : defaults.maxConnections(),
                        threshold.hasMaxPendingRequests() ? uint32(threshold.getMaxPendingRequests().getValue())
                                : defaults.maxPendingRequests(),
                        threshold.hasMaxRequests() ? uint32(threshold.getMaxRequests().getValue()) : defaults.maxRequests(),
                        threshold.hasMaxRetries() ? uint32(threshold.getMaxRetries().getValue()) : defaults.maxRetries());
            }
        }
        return defaults;
    }
}
