package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.translate.VhdsSplit;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Incremental (delta) ADS: the proxy subscribes and unsubscribes names; responses carry only the
 * resources whose version differs from what the proxy has, and the names of those that went away.
 */
final class DeltaConnection extends ProxyConnection<DeltaDiscoveryResponse> {

    private static final System.Logger LOG = System.getLogger(DeltaConnection.class.getName());

    DeltaConnection(Connections connections, ServerCallStreamObserver<DeltaDiscoveryResponse> out, String peer) {
        super(connections, out, peer);
    }

    @Override
    ProxyStatus.Protocol protocol() {
        return ProxyStatus.Protocol.DELTA;
    }

    synchronized void onRequest(DeltaDiscoveryRequest request) {
        Optional<TypeState> found = stateFor(request.hasNode(), request.getNode(), request.getTypeUrl());
        if (found.isEmpty()) {
            return;
        }
        TypeState state = found.get();
        String nonce = request.getResponseNonce();
        if (!nonce.isEmpty()) {
            // Every delta response is answered on its own, so even an older nonce is a real answer.
            state.versionOf(nonce).ifPresent(version -> {
                if (request.hasErrorDetail()) {
                    state.nack(nonce, version, request.getErrorDetail().getCode(),
                            request.getErrorDetail().getMessage(), now());
                    LOG.log(System.Logger.Level.WARNING, () -> proxy.id() + " rejected " + state.type.shortName()
                            + " version " + version + ": " + request.getErrorDetail().getMessage());
                } else {
                    state.ack(nonce, version);
                }
            });
        }

        boolean first = !state.requested;
        state.requested = true;
        if (first || request.getResourceNamesSubscribeCount() > 0 || request.getResourceNamesUnsubscribeCount() > 0) {
            state.subscriptionChanges++;
        }
        if (first && state.type.wildcardByDefault() && request.getResourceNamesSubscribeCount() == 0) {
            state.wildcard = true; // legacy wildcard: an initial LDS/CDS request naming nothing
        }
        for (String name : request.getResourceNamesSubscribeList()) {
            if (name.equals("*")) {
                state.wildcard = true;
            } else {
                state.names.add(name);
                // Subscribing again asks for the resource again (e.g. a client that dropped it).
                forget(state, name);
            }
        }
        for (String name : request.getResourceNamesUnsubscribeList()) {
            if (name.equals("*")) {
                state.wildcard = false;
            } else {
                state.names.remove(name);
                if (!state.wildcard) {
                    forget(state, name);
                }
            }
        }
        if (first) {
            // A reconnecting proxy says what it already has; those are not sent again if unchanged.
            state.givenVersions.putAll(request.getInitialResourceVersionsMap());
            state.deltaSyncedTo = null;
        }
        if (first || request.getResourceNamesSubscribeCount() > 0 || request.getResourceNamesUnsubscribeCount() > 0) {
            markDirty(state.type);
            flush();
        }
    }

    private static void forget(TypeState state, String name) {
        state.deltaSyncedTo = null;
        state.givenVersions.remove(name);
        state.given.remove(name);
        state.toldAbsent.remove(name);
        if (state.type == ResourceType.VIRTUAL_HOST) {
            // A VHDS name is a namespace: (re)subscribing or unsubscribing it concerns all its virtual hosts.
            String prefix = name + "/";
            state.givenVersions.keySet().removeIf(n -> n.startsWith(prefix));
            state.given.keySet().removeIf(n -> n.startsWith(prefix));
        }
    }

    /**
     * Large route configurations go through VHDS (see {@link VhdsSplit}): the route configuration
     * without its virtual hosts, and each virtual host as its own resource with its own version.
     */
    @Override
    protected Map<String, Any> generate(ResourceType type) {
        if (connections.vhdsMinVirtualHosts > 0
                && (type == ResourceType.ROUTE || type == ResourceType.VIRTUAL_HOST)) {
            VhdsSplit.Split split = connections.vhds(connections.source.resources(proxy, ResourceType.ROUTE));
            return type == ResourceType.ROUTE ? split.routes() : split.virtualHosts();
        }
        return super.generate(type);
    }

    @Override
    protected boolean sendIfChanged(TypeState state, Selection selection) {
        Selection base = state.deltaSyncedTo;
        if (base != null && state.sentAny()) {
            return sendDiff(state, selection, base);
        }
        boolean sent = sendComparing(state, selection);
        state.deltaSyncedTo = selection; // what it was given now equals the selection's versions
        return sent;
    }

    /**
     * The stream holds exactly {@code base}: send what the shared diff from it says. Subscribed names
     * it was told are absent stay so (a new subscription clears {@link TypeState#deltaSyncedTo}).
     */
    private boolean sendDiff(TypeState state, Selection selection, Selection base) {
        if (selection == base) {
            return false;
        }
        Selection.Diff diff = selection.diffFrom(base);
        state.deltaSyncedTo = selection;
        if (diff.changed().isEmpty() && diff.removed().isEmpty()) {
            return false;
        }
        List<Resource> updated = new ArrayList<>(diff.changed().size());
        for (String name : diff.changed()) {
            updated.add(selection.deltaEntry(name));
            state.givenVersions.put(name, selection.versions.get(name));
            state.given.put(name, selection.resources.get(name));
            state.toldAbsent.remove(name);
        }
        for (String name : diff.removed()) {
            state.givenVersions.remove(name);
            state.given.remove(name);
            if (state.names.contains(name)) {
                state.toldAbsent.add(name);
            }
        }
        send(state, selection.version(), updated, diff.removed());
        return true;
    }

    private void send(TypeState state, String version, List<Resource> updated, List<String> removed) {
        String nonce = connections.nextNonce();
        out.onNext(DeltaDiscoveryResponse.newBuilder()
                .setTypeUrl(state.type.typeUrl())
                .setSystemVersionInfo(version)
                .setNonce(nonce)
                .addAllResources(updated)
                .addAllRemovedResources(removed)
                .setControlPlane(SotwConnection.CONTROL_PLANE)
                .build());
        state.recordSent(nonce, version, now());
    }

    /** Compares every resource of the selection with what the stream was given, and sends the difference. */
    private boolean sendComparing(TypeState state, Selection selection) {
        Map<String, Any> desired = selection.resources;
        List<Resource> updated = new ArrayList<>();
        TreeMap<String, String> updatedVersions = new TreeMap<>();
        desired.forEach((name, resource) -> {
            String version = selection.versions.get(name);
            if (!version.equals(state.givenVersions.get(name))) {
                updated.add(selection.deltaEntry(name));
                updatedVersions.put(name, version);
            }
        });
        List<String> removed = new ArrayList<>();
        for (String name : state.givenVersions.keySet()) {
            if (!desired.containsKey(name)) {
                removed.add(name);
            }
        }
        List<String> absent = new ArrayList<>();
        // VHDS names are namespaces, not resources: an empty namespace is no missing resource.
        for (String name : state.type == ResourceType.VIRTUAL_HOST ? java.util.Set.<String>of() : state.names) {
            if (!desired.containsKey(name) && !state.givenVersions.containsKey(name)
                    && !state.toldAbsent.contains(name)) {
                absent.add(name); // subscribed but does not exist: say so instead of leaving it waiting
            }
        }
        if (updated.isEmpty() && removed.isEmpty() && absent.isEmpty() && state.sentAny()) {
            return false;
        }

        for (String name : removed) {
            state.givenVersions.remove(name);
            state.given.remove(name);
            if (state.names.contains(name)) {
                state.toldAbsent.add(name);
            }
        }
        state.toldAbsent.addAll(absent);
        state.givenVersions.putAll(updatedVersions);
        for (Map.Entry<String, String> entry : updatedVersions.entrySet()) {
            state.given.put(entry.getKey(), desired.get(entry.getKey()));
            state.toldAbsent.remove(entry.getKey());
        }
        List<String> allRemoved = new ArrayList<>(removed);
        allRemoved.addAll(absent);
        // The same version a state-of-the-world response of this selection has: a hash of its
        // (name, version) pairs, which is what the stream now holds.
        send(state, selection.version(), updated, allRemoved);
        return true;
    }
}
