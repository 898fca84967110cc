package dev.weft.controlplane.xds.server;

import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * State-of-the-world ADS: every response carries all the subscribed resources of its type, and the
 * next request of that type (same nonce) says whether the proxy accepted it.
 */
final class SotwConnection extends ProxyConnection<EncodedResponse> {

    private static final System.Logger LOG = System.getLogger(SotwConnection.class.getName());
    static final ControlPlane CONTROL_PLANE = ControlPlane.newBuilder().setIdentifier("weftd").build();

    SotwConnection(Connections connections, ServerCallStreamObserver<EncodedResponse> out, String peer) {
        super(connections, out, peer);
    }

    @Override
    ProxyStatus.Protocol protocol() {
        return ProxyStatus.Protocol.SOTW;
    }

    synchronized void onRequest(DiscoveryRequest request) {
        Optional<TypeState> found = stateFor(request.hasNode(), request.getNode(), request.getTypeUrl());
        if (found.isEmpty()) {
            return;
        }
        TypeState state = found.get();
        String nonce = request.getResponseNonce();
        if (state.requested && !nonce.isEmpty()) {
            if (!nonce.equals(state.sentNonce)) {
                // An answer to an older response: a newer one is on its way and the proxy will
                // answer that one with its current subscription (xDS protocol: ignore stale nonces).
                recordLateNack(state, request);
                return;
            }
            if (request.hasErrorDetail()) {
                state.nack(nonce, state.sentVersion, request.getErrorDetail().getCode(),
                        request.getErrorDetail().getMessage(), now());
                LOG.log(System.Logger.Level.WARNING, () -> proxy.id() + " rejected " + state.type.shortName()
                        + " version " + state.sentVersion + ": " + request.getErrorDetail().getMessage());
            } else {
                state.ack(nonce, request.getVersionInfo());
            }
        }
        boolean first = !state.requested;
        state.requested = true;
        if (subscribe(state, request.getResourceNamesList()) || first) {
            markDirty(state.type);
            flush();
        }
    }

    private void recordLateNack(TypeState state, DiscoveryRequest request) {
        if (request.hasErrorDetail()) {
            String nonce = request.getResponseNonce();
            state.versionOf(nonce).ifPresent(version -> state.nack(nonce, version,
                    request.getErrorDetail().getCode(), request.getErrorDetail().getMessage(), now()));
        }
    }

    /** Applies the names of a request; returns whether the subscription changed. */
    private static boolean subscribe(TypeState state, List<String> requested) {
        boolean wildcard = requested.contains("*") || (requested.isEmpty() && state.type.wildcardByDefault());
        Set<String> names = new TreeSet<>(requested);
        names.remove("*");
        boolean changed = wildcard != state.wildcard || !names.equals(state.names);
        state.wildcard = wildcard;
        state.names.clear();
        state.names.addAll(names);
        if (changed) {
            state.subscriptionChanges++;
        }
        return changed;
    }

    @Override
    protected boolean sendIfChanged(TypeState state, Selection desired) {
        Selection previous = state.sentSelection;
        if (state.sentAny() && (previous != null ? desired.sameVersionsAs(previous)
                : desired.versions.equals(state.givenVersions))) {
            state.sentSelection = desired;
            return false;
        }
        String nonce = connections.nextNonce();
        // The shared, already encoded response with this stream's nonce appended.
        out.onNext(desired.sotwResponse(nonce));
        state.givenVersions.clear();
        state.givenVersions.putAll(desired.versions);
        state.given.clear();
        state.given.putAll(desired.resources);
        state.sentSelection = desired;
        state.recordSent(nonce, desired.version(), now());
        return true;
    }
}
