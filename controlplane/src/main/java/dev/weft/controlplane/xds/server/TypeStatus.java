package dev.weft.controlplane.xds.server;

import dev.weft.controlplane.xds.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One resource type of one connected proxy.
 *
 * @param type            the resource type
 * @param state           SYNCED, NOT_SENT, STALE or NACKED
 * @param wildcard        whether the proxy subscribed to every resource of the type
 * @param subscribed      names the proxy subscribed to explicitly (sorted)
 * @param sentVersion     version of the last response sent ("" if none)
 * @param sentNonce       nonce of the last response sent ("" if none)
 * @param sentAt          when it was sent (null if never)
 * @param ackedVersion    version the proxy last acknowledged ("" if none)
 * @param lastNack        the last rejection, kept after later responses are accepted
 * @param resourceNames   names of the resources the proxy was last given (sorted)
 * @param responsesSent   how many responses of this type went to this proxy on this stream
 */
public record TypeStatus(
        ResourceType type,
        SyncState state,
        boolean wildcard,
        List<String> subscribed,
        String sentVersion,
        String sentNonce,
        Instant sentAt,
        String ackedVersion,
        Optional<Nack> lastNack,
        List<String> resourceNames,
        long responsesSent) {

    public TypeStatus {
        subscribed = List.copyOf(subscribed);
        resourceNames = List.copyOf(resourceNames);
    }
}
