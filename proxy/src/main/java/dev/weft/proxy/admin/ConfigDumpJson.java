package dev.weft.proxy.admin;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.weft.proxy.xds.XdsDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Map;

/**
 * /config_dump: the last accepted resources of each type as JSON (protobuf's JSON mapping, nested
 * typed configs expanded where their types are known):
 * {@code {"configs": [{"type": "CDS", "type_url": ..., "version_info": ..., "resources": [...], "last_error": ...}]}}.
 */
final class ConfigDumpJson {

    private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
            .add(Listener.getDescriptor())
            .add(RouteConfiguration.getDescriptor())
            .add(Cluster.getDescriptor())
            .add(ClusterLoadAssignment.getDescriptor())
            .add(HttpConnectionManager.getDescriptor())
            .add(Router.getDescriptor())
            .add(HTTPFault.getDescriptor())
            .add(HttpProtocolOptions.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor())
            .build();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES)
            .preservingProtoFieldNames();

    private ConfigDumpJson() {
    }

    static String print(XdsDump dump) {
        StringBuilder json = new StringBuilder("{\n \"configs\": [");
        boolean firstType = true;
        for (Map.Entry<String, XdsDump.TypeDump> entry : dump.types().entrySet()) {
            XdsDump.TypeDump type = entry.getValue();
            json.append(firstType ? "\n" : ",\n");
            firstType = false;
            json.append("  {\"type\": ").append(quote(entry.getKey()))
                    .append(", \"type_url\": ").append(quote(type.typeUrl()))
                    .append(", \"version_info\": ").append(quote(type.version()))
                    .append(", \"last_error\": ").append(quote(type.lastError()))
                    .append(", \"resources\": [");
            boolean first = true;
            for (Any resource : type.resources().values()) {
                json.append(first ? "\n" : ",\n");
                first = false;
                json.append(resourceJson(resource));
            }
            json.append("]}");
        }
        return json.append("\n ]\n}\n").toString();
    }

    private static String resourceJson(Any resource) {
        try {
            return PRINTER.print(resource);
        } catch (InvalidProtocolBufferException e) {
            // A nested type we do not know: print it without expanding the Any.
            return "{\"@type\": " + quote(resource.getTypeUrl()) + ", \"error\": " + quote(e.getMessage()) + "}";
        }
    }

    /** A JSON string literal (Jackson's encoder does the escaping). */
    static String quote(String text) {
        return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
