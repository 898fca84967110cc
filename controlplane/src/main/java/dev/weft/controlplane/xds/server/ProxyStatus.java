package dev.weft.controlplane.xds.server;

import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * One connected xDS stream, for {@code weft proxy-status}.
 *
 * @param connectionId   unique per stream ({@code <node id>-<counter>}); a proxy that reconnects
 *                       gets a new one
 * @param proxy          the node as read from the first request
 * @param protocol       SOTW or DELTA
 * @param peer           the client's address
 * @param connectedSince when the stream was opened
 * @param types          per type, in push order (CDS, EDS, LDS, RDS, SDS); types never asked for
 *                       are present as NOT_SENT
 */
public record ProxyStatus(
        String connectionId,
        ProxyNode proxy,
        Protocol protocol,
        String peer,
        Instant connectedSince,
        Map<ResourceType, TypeStatus> types) {

    public enum Protocol { SOTW, DELTA }

    public ProxyStatus {
        EnumMap<ResourceType, TypeStatus> copy = new EnumMap<>(ResourceType.class);
        copy.putAll(types);
        types = java.util.Collections.unmodifiableMap(copy);
    }

    /** The state of one type (NOT_SENT if the proxy never asked for it). */
    public SyncState state(ResourceType type) {
        TypeStatus status = types.get(type);
        return status == null ? SyncState.NOT_SENT : status.state();
    }
}
