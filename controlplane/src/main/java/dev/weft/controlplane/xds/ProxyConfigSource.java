package dev.weft.controlplane.xds;

import com.google.protobuf.Any;
import java.util.Map;

/**
 * What translation implements: the configuration one proxy should have. The xDS server calls it
 * when a proxy subscribes and after each (debounced) {@link ConfigChange}, then sends the proxy only
 * what differs from what it already has.
 *
 * <p>Called from the server's push threads, possibly for several proxies at once: implementations
 * must be thread-safe and should read an immutable snapshot of the configuration (so the types of
 * one push agree with each other) rather than block on I/O.
 */
@FunctionalInterface
public interface ProxyConfigSource {

    /**
     * The resources of {@code type} that {@code proxy} should have, keyed by resource name. Each
     * value's type URL must be {@code type.typeUrl()}. Return every resource of the type the proxy
     * may use: the server narrows the result to what the proxy subscribed to (RDS and EDS by name).
     * An empty map means "none"; it must not return null.
     */
    Map<String, Any> resources(ProxyNode proxy, ResourceType type);
}
