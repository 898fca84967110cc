package dev.weft.proxy.bootstrap;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a proxy needs before it hears from the control plane: who it is (the xDS {@code Node}), where
 * the control plane is, and where its own admin server listens.
 *
 * @param nodeId         Istio style {@code <type>~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local}
 *                       or any string
 * @param cluster        the service this workload belongs to (Envoy's node.cluster)
 * @param proxyType      sidecar or router (gateway); written into the id's first part when the id is
 *                       built from parts, and into the metadata
 * @param namespace      metadata NAMESPACE
 * @param serviceAccount metadata SERVICE_ACCOUNT
 * @param labels         metadata LABELS
 * @param xdsHost        the control plane's ADS address
 * @param xdsPort        and port (15010, Istio's plaintext xDS port, by default)
 * @param adminHost      admin server address: loopback unless the bootstrap says otherwise
 * @param adminPort      admin port (15000); 0 picks a free one
 * @param reconnectInitial first reconnect delay after the control plane goes away
 * @param reconnectMax   the delay doubles up to this
 * @param metadata       any other string node metadata, sent as is (Istio's INTERCEPTION_MODE,
 *                       HTTP_PROXY_PORT, INSTANCE_IPS; Weft's WEFT_APP_PORTS, WEFT_BIND_ADDRESS)
 * @param xdsApi         state-of-the-world ADS (GRPC, the default) or delta ADS (DELTA_GRPC)
 */
public record Bootstrap(
        String nodeId,
        String cluster,
        ProxyType proxyType,
        String namespace,
        String serviceAccount,
        Map<String, String> labels,
        String xdsHost,
        int xdsPort,
        String adminHost,
        int adminPort,
        Duration reconnectInitial,
        Duration reconnectMax,
        Map<String, String> metadata,
        XdsApi xdsApi) {

    public static final int DEFAULT_XDS_PORT = 15010;
    public static final int DEFAULT_ADMIN_PORT = 15000;

    public Bootstrap {
        Objects.requireNonNull(nodeId, "nodeId");
        cluster = Objects.requireNonNullElse(cluster, "");
        proxyType = Objects.requireNonNullElse(proxyType, ProxyType.SIDECAR);
        namespace = Objects.requireNonNullElse(namespace, "");
        serviceAccount = Objects.requireNonNullElse(serviceAccount, "");
        labels = Map.copyOf(labels);
        metadata = Map.copyOf(Objects.requireNonNullElse(metadata, Map.of()));
        Objects.requireNonNull(xdsHost, "xdsHost");
        adminHost = Objects.requireNonNullElse(adminHost, "127.0.0.1");
        reconnectInitial = Objects.requireNonNullElse(reconnectInitial, Duration.ofMillis(500));
        reconnectMax = Objects.requireNonNullElse(reconnectMax, Duration.ofSeconds(30));
        xdsApi = Objects.requireNonNullElse(xdsApi, XdsApi.GRPC);
        if (xdsPort <= 0 || xdsPort > 65535) {
            throw new IllegalArgumentException("xDS port out of range: " + xdsPort);
        }
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("admin port out of range: " + adminPort);
        }
    }

    public Bootstrap(String nodeId, String cluster, ProxyType proxyType, String namespace, String serviceAccount,
            Map<String, String> labels, String xdsHost, int xdsPort, String adminHost, int adminPort,
            Duration reconnectInitial, Duration reconnectMax) {
        this(nodeId, cluster, proxyType, namespace, serviceAccount, labels, xdsHost, xdsPort, adminHost, adminPort,
                reconnectInitial, reconnectMax, Map.of());
    }

    /** State-of-the-world ADS. */
    public Bootstrap(String nodeId, String cluster, ProxyType proxyType, String namespace, String serviceAccount,
            Map<String, String> labels, String xdsHost, int xdsPort, String adminHost, int adminPort,
            Duration reconnectInitial, Duration reconnectMax, Map<String, String> metadata) {
        this(nodeId, cluster, proxyType, namespace, serviceAccount, labels, xdsHost, xdsPort, adminHost, adminPort,
                reconnectInitial, reconnectMax, metadata, XdsApi.GRPC);
    }

    /** The same bootstrap with other node metadata. */
    public Bootstrap withMetadata(Map<String, String> other) {
        return new Bootstrap(nodeId, cluster, proxyType, namespace, serviceAccount, labels, xdsHost, xdsPort,
                adminHost, adminPort, reconnectInitial, reconnectMax, other, xdsApi);
    }

    /** A bootstrap with defaults for everything but the identity and the control plane. */
    public static Bootstrap of(String nodeId, String xdsHost, int xdsPort) {
        return new Bootstrap(nodeId, "", ProxyType.SIDECAR, "", "", Map.of(), xdsHost, xdsPort,
                "127.0.0.1", DEFAULT_ADMIN_PORT, null, null);
    }

    public Bootstrap withAdminPort(int port) {
        return new Bootstrap(nodeId, cluster, proxyType, namespace, serviceAccount, labels, xdsHost, xdsPort,
                adminHost, port, reconnectInitial, reconnectMax, metadata, xdsApi);
    }

    public Bootstrap withReconnect(Duration initial, Duration max) {
        return new Bootstrap(nodeId, cluster, proxyType, namespace, serviceAccount, labels, xdsHost, xdsPort,
                adminHost, adminPort, initial, max, metadata, xdsApi);
    }

    /** The same bootstrap speaking the given ADS protocol. */
    public Bootstrap withXdsApi(XdsApi api) {
        return new Bootstrap(nodeId, cluster, proxyType, namespace, serviceAccount, labels, xdsHost, xdsPort,
                adminHost, adminPort, reconnectInitial, reconnectMax, metadata, api);
    }

    /** The Node sent in the first xDS request, with Istio's metadata keys. */
    public Node node() {
        Struct.Builder metadata = Struct.newBuilder();
        new TreeMap<>(this.metadata).forEach((key, value) -> metadata.putFields(key, string(value)));
        if (!namespace.isEmpty()) {
            metadata.putFields("NAMESPACE", string(namespace));
        }
        if (!serviceAccount.isEmpty()) {
            metadata.putFields("SERVICE_ACCOUNT", string(serviceAccount));
        }
        if (!labels.isEmpty()) {
            Struct.Builder labelStruct = Struct.newBuilder();
            new TreeMap<>(labels).forEach((key, value) -> labelStruct.putFields(key, string(value)));
            metadata.putFields("LABELS", Value.newBuilder().setStructValue(labelStruct).build());
        }
        metadata.putFields("PROXY_TYPE", string(proxyType.istioName()));
        return Node.newBuilder()
                .setId(nodeId)
                .setCluster(cluster)
                .setMetadata(metadata)
                .setUserAgentName("weft-proxy")
                .build();
    }

    private static Value string(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }
}
