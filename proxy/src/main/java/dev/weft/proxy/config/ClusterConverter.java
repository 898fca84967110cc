package dev.weft.proxy.config;

import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.List;
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
            case RING_HASH -> ClusterConfig.LbPolicy.RING_HASH;
            case MAGLEV -> ClusterConfig.LbPolicy.MAGLEV;
            default -> {
                LOG.log(System.Logger.Level.WARNING, "cluster " + cluster.getName() + ": lb_policy "
                        + cluster.getLbPolicy() + " not implemented; using ROUND_ROBIN");
                yield ClusterConfig.LbPolicy.ROUND_ROBIN;
            }
        };
        ClusterConfig.LbOptions lbOptions = lbOptions(cluster);
        Optional<OutlierDetectionConfig> outlier = cluster.hasOutlierDetection()
                ? Optional.of(outlierDetection(cluster.getOutlierDetection())) : Optional.empty();
        Optional<dev.weft.proxy.tls.TlsContextConfig> tls = cluster.hasTransportSocket()
                ? TlsConverter.upstream(cluster.getTransportSocket(), "transport_socket") : Optional.empty();
        Protos.unsupported(cluster.getTransportSocketMatchesCount() > 0, "transport_socket_matches (upstream TLS)");
        ClusterConfig.UpstreamProtocol protocol = ClusterConfig.UpstreamProtocol.HTTP1;
        Http2Options http2 = Http2Options.UPSTREAM;
        if (cluster.hasHttp2ProtocolOptions()) {
            protocol = ClusterConfig.UpstreamProtocol.HTTP2;
            http2 = Http2Options.of(cluster.getHttp2ProtocolOptions(), Http2Options.UPSTREAM, "http2_protocol_options");
        }
        int maxRequestsPerConnection = cluster.hasMaxRequestsPerConnection()
                ? uint32(cluster.getMaxRequestsPerConnection().getValue()) : 0;
        var protocolOptions = cluster.getTypedExtensionProtocolOptionsMap().get(HTTP_OPTIONS);
        if (protocolOptions != null) {
            HttpProtocolOptions options = Protos.unpack(protocolOptions, HttpProtocolOptions.class,
                    "typed_extension_protocol_options[" + HTTP_OPTIONS + "]");
            String field = "typed_extension_protocol_options[" + HTTP_OPTIONS + "]";
            switch (options.getUpstreamProtocolOptionsCase()) {
                case EXPLICIT_HTTP_CONFIG -> {
                    var explicit = options.getExplicitHttpConfig();
                    Protos.unsupported(explicit.hasHttp3ProtocolOptions(), field + ".explicit_http_config.http3_protocol_options");
                    if (explicit.hasHttp2ProtocolOptions()) {
                        protocol = ClusterConfig.UpstreamProtocol.HTTP2;
                        http2 = Http2Options.of(explicit.getHttp2ProtocolOptions(), Http2Options.UPSTREAM,
                                field + ".explicit_http_config.http2_protocol_options");
                    } else {
                        protocol = ClusterConfig.UpstreamProtocol.HTTP1;
                    }
                }
                case USE_DOWNSTREAM_PROTOCOL_CONFIG -> {
                    var downstream = options.getUseDownstreamProtocolConfig();
                    Protos.unsupported(downstream.hasHttp3ProtocolOptions(),
                            field + ".use_downstream_protocol_config.http3_protocol_options");
                    protocol = ClusterConfig.UpstreamProtocol.USE_DOWNSTREAM;
                    http2 = Http2Options.of(downstream.getHttp2ProtocolOptions(), Http2Options.UPSTREAM,
                            field + ".use_downstream_protocol_config.http2_protocol_options");
                }
                case AUTO_CONFIG -> {
                    var auto = options.getAutoConfig();
                    Protos.unsupported(auto.hasHttp3ProtocolOptions() || auto.hasAlternateProtocolsCacheOptions(),
                            field + ".auto_config.http3_protocol_options/alternate_protocols_cache_options");
                    if (tls.isEmpty()) {
                        // As Envoy: the protocol comes from ALPN, which only a TLS transport socket has.
                        throw new ConversionException(field + ".auto_config: needs a TLS transport_socket (the "
                                + "protocol is chosen by ALPN)");
                    }
                    protocol = ClusterConfig.UpstreamProtocol.AUTO;
                    http2 = Http2Options.of(auto.getHttp2ProtocolOptions(), Http2Options.UPSTREAM,
                            field + ".auto_config.http2_protocol_options");
                }
                case UPSTREAMPROTOCOLOPTIONS_NOT_SET -> {
                }
            }
            if (options.getCommonHttpProtocolOptions().hasMaxRequestsPerConnection()) {
                maxRequestsPerConnection = uint32(options.getCommonHttpProtocolOptions().getMaxRequestsPerConnection().getValue());
            }
        }
        if (tls.isPresent() && tls.get().alpn().isEmpty() && protocol == ClusterConfig.UpstreamProtocol.HTTP2) {
            // Envoy's default ALPN (http_default_alpn): without alpn_protocols, an HTTP/2 cluster over
            // TLS offers h2, so that a server choosing its protocol by ALPN speaks HTTP/2 too.
            tls = Optional.of(tls.get().withAlpn(List.of("h2")));
        }
        if (tls.isPresent() && tls.get().alpn().isEmpty() && protocol == ClusterConfig.UpstreamProtocol.AUTO) {
            tls = Optional.of(tls.get().withAlpn(List.of("h2", "http/1.1"))); // Envoy's default for auto_config
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
                limits(cluster.getCircuitBreakers()), maxRequestsPerConnection, staticEndpoints, lbOptions, outlier,
                protocol, http2, tls, perConnectionBufferLimit(cluster.hasPerConnectionBufferLimitBytes(),
                        cluster.getPerConnectionBufferLimitBytes().getValue()));
    }

    private static ClusterConfig.LbOptions lbOptions(Cluster cluster) throws ConversionException {
        ClusterConfig.LbOptions defaults = ClusterConfig.LbOptions.DEFAULTS;
        long minRing = defaults.minRingSize();
        long maxRing = defaults.maxRingSize();
        if (cluster.hasRingHashLbConfig()) {
            var ring = cluster.getRingHashLbConfig();
            Protos.unsupported(ring.getHashFunction()
                    == Cluster.RingHashLbConfig.HashFunction.MURMUR_HASH_2, "ring_hash_lb_config.hash_function");
            if (ring.hasMinimumRingSize()) {
                minRing = ring.getMinimumRingSize().getValue();
            }
            if (ring.hasMaximumRingSize()) {
                maxRing = ring.getMaximumRingSize().getValue();
            }
            if (minRing < 1 || maxRing > 8L * 1024 * 1024 || minRing > maxRing) {
                throw new ConversionException("ring_hash_lb_config: minimum_ring_size " + minRing
                        + " and maximum_ring_size " + maxRing + " must satisfy 1 <= min <= max <= 8M");
            }
        }
        long table = defaults.maglevTableSize();
        if (cluster.hasMaglevLbConfig() && cluster.getMaglevLbConfig().hasTableSize()) {
            table = cluster.getMaglevLbConfig().getTableSize().getValue();
            if (table > 5_000_011 || !java.math.BigInteger.valueOf(table).isProbablePrime(30)) {
                throw new ConversionException("maglev_lb_config.table_size: " + table
                        + " must be a prime number no larger than 5000011");
            }
        }
        double panic = defaults.healthyPanicPercent();
        if (cluster.hasCommonLbConfig() && cluster.getCommonLbConfig().hasHealthyPanicThreshold()) {
            panic = cluster.getCommonLbConfig().getHealthyPanicThreshold().getValue();
        }
        return new ClusterConfig.LbOptions(minRing, maxRing, table, panic);
    }

    private static OutlierDetectionConfig outlierDetection(io.envoyproxy.envoy.config.cluster.v3.OutlierDetection od)
            throws ConversionException {
        Protos.unsupported(od.getSplitExternalLocalOriginErrors(), "outlier_detection.split_external_local_origin_errors");
        Duration interval = od.hasInterval() ? Protos.duration(od.getInterval()) : Duration.ofSeconds(10);
        if (interval.isZero() || interval.isNegative()) {
            throw new ConversionException("outlier_detection.interval: must be greater than 0");
        }
        Duration base = od.hasBaseEjectionTime() ? Protos.duration(od.getBaseEjectionTime()) : Duration.ofSeconds(30);
        Duration max = od.hasMaxEjectionTime() ? Protos.duration(od.getMaxEjectionTime()) : Duration.ofSeconds(300);
        if (max.compareTo(base) < 0) {
            max = base;
        }
        return new OutlierDetectionConfig(
                od.hasConsecutive5Xx() ? uint32(od.getConsecutive5Xx().getValue()) : 5,
                od.hasEnforcingConsecutive5Xx() ? Math.min(100, uint32(od.getEnforcingConsecutive5Xx().getValue())) : 100,
                od.hasConsecutiveGatewayFailure() ? uint32(od.getConsecutiveGatewayFailure().getValue()) : 5,
                od.hasEnforcingConsecutiveGatewayFailure()
                        ? Math.min(100, uint32(od.getEnforcingConsecutiveGatewayFailure().getValue())) : 0,
                interval, base, max,
                od.hasMaxEjectionPercent() ? Math.min(100, uint32(od.getMaxEjectionPercent().getValue())) : 10,
                new OutlierDetectionConfig.SuccessRate(
                        od.hasSuccessRateMinimumHosts() ? uint32(od.getSuccessRateMinimumHosts().getValue()) : 5,
                        od.hasSuccessRateRequestVolume() ? uint32(od.getSuccessRateRequestVolume().getValue()) : 100,
                        od.hasSuccessRateStdevFactor() ? uint32(od.getSuccessRateStdevFactor().getValue()) : 1900,
                        // Envoy's default is 100 (enforced); Istio always sends 0.
                        od.hasEnforcingSuccessRate() ? Math.min(100, uint32(od.getEnforcingSuccessRate().getValue()))
                                : 100),
                new OutlierDetectionConfig.FailurePercentage(
                        od.hasFailurePercentageThreshold()
                                ? Math.min(100, uint32(od.getFailurePercentageThreshold().getValue())) : 85,
                        od.hasFailurePercentageMinimumHosts() ? uint32(od.getFailurePercentageMinimumHosts().getValue()) : 5,
                        od.hasFailurePercentageRequestVolume() ? uint32(od.getFailurePercentageRequestVolume().getValue()) : 50,
                        od.hasEnforcingFailurePercentage()
                                ? Math.min(100, uint32(od.getEnforcingFailurePercentage().getValue())) : 0),
                od.hasAlwaysEjectOneHost() && od.getAlwaysEjectOneHost().getValue());
    }

    /**
     * {@code per_connection_buffer_limit_bytes} of a Listener or Cluster: 0 when unset. Envoy reads an
     * explicit 0 as "no limit", which a proxy facing hostile clients does not offer: refused.
     */
    static int perConnectionBufferLimit(boolean set, int value) throws ConversionException {
        if (!set) {
            return 0;
        }
        if (value == 0) {
            throw new ConversionException("per_connection_buffer_limit_bytes: 0 (no limit) is not supported by "
                    + "weft-proxy; set a size in bytes");
        }
        return uint32(value);
    }

    /**
     * A proto uint32 arrives in Java as a signed int: Istio's "no limit" (4294967295) reads as -1.
     * Values past Integer.MAX_VALUE are, for a limit, the same as no limit.
     */
    static int uint32(int value) {
        return value < 0 ? Integer.MAX_VALUE : value;
    }

    private static ClusterConfig.RetryBudget retryBudget(CircuitBreakers.Thresholds.RetryBudget budget) {
        return new ClusterConfig.RetryBudget(budget.hasBudgetPercent() ? budget.getBudgetPercent().getValue() : 20.0,
                budget.hasMinRetryConcurrency() ? uint32(budget.getMinRetryConcurrency().getValue()) : 3);
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
                        threshold.hasMaxRetries() ? uint32(threshold.getMaxRetries().getValue()) : defaults.maxRetries(),
                        threshold.hasRetryBudget() ? Optional.of(retryBudget(threshold.getRetryBudget()))
                                : Optional.empty());
            }
        }
        return defaults;
    }
}
