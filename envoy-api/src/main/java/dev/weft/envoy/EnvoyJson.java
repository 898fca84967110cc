package dev.weft.envoy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * Envoy configuration as JSON (proto3 JSON mapping), for {@code weft proxy-config} and the proxy's
 * {@code /config_dump}: one registry of the Envoy types Weft uses, shared by both. Resources nest typed_config {@code Any}s (filters, transport sockets,
 * load-balancing policies); the registry knows the Envoy types Weft generates, and adding one type
 * brings every message of its .proto file and their imports.
 */
public final class EnvoyJson {

    private static final List<Descriptor> KNOWN = List.of(
            io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse.getDescriptor(),
            io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse.getDescriptor(),
            io.envoyproxy.envoy.config.listener.v3.Listener.getDescriptor(),
            io.envoyproxy.envoy.config.route.v3.RouteConfiguration.getDescriptor(),
            io.envoyproxy.envoy.config.cluster.v3.Cluster.getDescriptor(),
            io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                    .getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor(),
            io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor(),
            io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog.getDescriptor(),
            io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin.getDescriptor(),
            io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest.getDescriptor(),
            io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash.getDescriptor(),
            io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev.getDescriptor(),
            io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality.getDescriptor(),
            io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDescriptor(),
            io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig
                    .getDescriptor());

    private static final JsonFormat.TypeRegistry REGISTRY = JsonFormat.TypeRegistry.newBuilder().add(KNOWN).build();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(REGISTRY);

    private EnvoyJson() {
    }

    public static JsonFormat.TypeRegistry typeRegistry() {
        return REGISTRY;
    }

    /** A printer that expands every {@code Any} of a known Envoy type (callers may add options). */
    public static JsonFormat.Printer printer() {
        return PRINTER;
    }

    /**
     * The message as JSON. An {@code Any} of a type the registry does not know cannot be expanded:
     * the JSON then says so instead of failing the whole dump.
     */
    public static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            return "{\"error\": " + quote("cannot print as JSON: " + e.getMessage()) + "}";
        }
    }

    /** A JSON string literal (Jackson's encoder does the escaping). */
    public static String quote(String text) {
        return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
