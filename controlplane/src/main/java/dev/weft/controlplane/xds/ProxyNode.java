package dev.weft.controlplane.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A connected xDS client as the control plane sees it, read from the {@code Node} of its first
 * request. Istio's conventions are followed so that Istio's bootstrap files work unchanged: the id
 * {@code <type>~<ip>~<pod>.<namespace>~<namespace>.svc.<domain>} and the metadata keys
 * {@code NAMESPACE}, {@code LABELS}, {@code SERVICE_ACCOUNT}, {@code GENERATOR}.
 *
 * @param id             the node id, as sent
 * @param cluster        the node's cluster (Istio: the service name the workload belongs to)
 * @param type           sidecar, router (gateway) or proxyless gRPC
 * @param namespace      metadata NAMESPACE, else the namespace part of an Istio-style id, else ""
 * @param serviceAccount metadata SERVICE_ACCOUNT, else ""
 * @param labels         metadata LABELS (string values only)
 * @param ipAddresses    metadata INSTANCE_IPS (comma separated), else the ip part of an Istio-style id
 * @param node           the whole Node, for anything else translation wants to read
 */
public record ProxyNode(
        String id,
        String cluster,
        ProxyType type,
        String namespace,
        String serviceAccount,
        Map<String, String> labels,
        List<String> ipAddresses,
        Node node) {

    public ProxyNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        cluster = cluster == null ? "" : cluster;
        namespace = namespace == null ? "" : namespace;
        serviceAccount = serviceAccount == null ? "" : serviceAccount;
        labels = Map.copyOf(labels);
        ipAddresses = List.copyOf(ipAddresses);
        Objects.requireNonNull(node, "node");
    }

    /** Reads a Node as an Envoy, a Weft proxy or a proxyless gRPC client sends it. */
    public static ProxyNode of(Node node) {
        Struct metadata = node.getMetadata();
        String[] idParts = node.getId().split("~", -1);
        boolean istioId = idParts.length == 4;

        String namespace = string(metadata, "NAMESPACE");
        if (namespace.isEmpty() && istioId) {
            int dot = idParts[2].lastIndexOf('.');
            namespace = dot >= 0 ? idParts[2].substring(dot + 1) : "";
        }
        List<String> ips;
        String instanceIps = string(metadata, "INSTANCE_IPS");
        if (!instanceIps.isEmpty()) {
            ips = List.of(instanceIps.split(","));
        } else if (istioId && !idParts[1].isEmpty()) {
            ips = List.of(idParts[1]);
        } else {
            ips = List.of();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Value labelsValue = metadata.getFieldsMap().get("LABELS");
        if (labelsValue != null && labelsValue.hasStructValue()) {
            labelsValue.getStructValue().getFieldsMap().forEach((key, value) -> {
                if (value.hasStringValue()) {
                    labels.put(key, value.getStringValue());
                }
            });
        }
        return new ProxyNode(node.getId(), node.getCluster(), typeOf(node, idParts), namespace,
                string(metadata, "SERVICE_ACCOUNT"), labels, ips, node);
    }

    private static ProxyType typeOf(Node node, String[] idParts) {
        // Istio's proxyless bootstrap says GENERATOR=grpc; grpc libraries also name themselves.
        if ("grpc".equals(string(node.getMetadata(), "GENERATOR"))
                || node.getUserAgentName().startsWith("gRPC")) {
            return ProxyType.PROXYLESS_GRPC;
        }
        if (idParts.length > 1 && idParts[0].equals("router")) {
            return ProxyType.ROUTER;
        }
        return ProxyType.SIDECAR;
    }

    private static String string(Struct struct, String key) {
        Value value = struct.getFieldsMap().get(key);
        return value != null && value.hasStringValue() ? value.getStringValue() : "";
    }
}
