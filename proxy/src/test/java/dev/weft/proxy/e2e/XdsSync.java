package dev.weft.proxy.e2e;

import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.SyncState;
import dev.weft.controlplane.xds.server.TypeStatus;
import dev.weft.controlplane.xds.server.XdsServer;
import java.time.Duration;
import java.util.Set;

/** Pushes through a real xDS server and waits for the proxy's ACK of what was pushed. */
final class XdsSync {

    private XdsSync() {
    }

    /** How many responses of {@code type} the server sent to {@code nodeId} on its current stream. */
    static long responsesSent(XdsServer server, String nodeId, ResourceType type) {
        return server.proxyStatus(nodeId).map(status -> status.types().get(type))
                .map(TypeStatus::responsesSent).orElse(0L);
    }

    /** Announces a change of {@code type} (already made in the source) and waits until the proxy ACKed it. */
    static void pushAndAwaitAck(XdsServer server, String nodeId, ResourceType type, Duration wait) {
        long before = responsesSent(server, nodeId, type);
        server.configChanged(ConfigChange.all("test").onlyTypes(Set.of(type)));
        Await.until(type + " pushed and ACKed", wait, () -> server.proxyStatus(nodeId)
                .map(status -> status.types().get(type))
                .filter(t -> t.responsesSent() > before && t.state() == SyncState.SYNCED)
                .isPresent());
    }

    /** Whether every type but SDS is ACKed at the version last sent (no NACK, nothing in flight). */
    static boolean allSynced(XdsServer server, String nodeId) {
        return server.proxyStatus(nodeId).map(status -> status.types().values().stream()
                .filter(t -> t.type() != ResourceType.SECRET)
                .allMatch(t -> t.state() == SyncState.SYNCED && t.ackedVersion().equals(t.sentVersion())))
                .orElse(false);
    }
}
