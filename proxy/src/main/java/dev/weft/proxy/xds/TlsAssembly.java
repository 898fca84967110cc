package dev.weft.proxy.xds;

import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.DownstreamTlsSocket;
import dev.weft.proxy.tls.SslContexts;
import dev.weft.proxy.tls.TlsContextConfig;
import dev.weft.proxy.tls.TlsSecret;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The TLS contexts of one assembly. A context is rebuilt only when its config or one of its secrets
 * changed; otherwise the previous assembly's instance is reused, so an unrelated xDS update leaves
 * listeners and clusters equal (no needless listener update) and a secret update gives new
 * connections a new context. Only what this assembly used is kept for the next.
 */
final class TlsAssembly {

    private static final System.Logger LOG = System.getLogger(TlsAssembly.class.getName());

    private final Map<List<Object>, SslContext> previousContexts;
    private final Map<List<Object>, SslContext> contexts = new HashMap<>();

    /** The first assembly: nothing to reuse. */
    TlsAssembly() {
        this(Map.of());
    }

    private TlsAssembly(Map<List<Object>, SslContext> previousContexts) {
        this.previousContexts = previousContexts;
    }

    /** A fresh assembly that may reuse what this one built. */
    TlsAssembly next() {
        return new TlsAssembly(Map.copyOf(contexts));
    }

    /**
     * The listener with each TLS chain's context built (the chain's transport socket carries it), or
     * null while a secret a chain names is missing or unusable (the listener stays warming).
     */
    ListenerConfig listener(String name, ListenerConfig config, Map<String, XdsResourceType.Resource<TlsSecret>> secrets) {
        boolean[] ready = {true};
        ListenerConfig built = config.withChains(chain -> {
            if (!(chain.transportSocket().orElse(null) instanceof DownstreamTlsSocket socket)) {
                return chain;
            }
            Optional<SslContext> context = context("listener " + name + " chain " + chain.name(), socket.tls(), secrets);
            if (context == null) {
                ready[0] = false;
                return chain;
            }
            return chain.withTransportSocket(Optional.of(socket.withContext(context.get())));
        });
        return ready[0] ? built : null;
    }

    /** A cluster's client context, or null while a secret is missing or unusable. */
    Optional<SslContext> cluster(String name, Optional<TlsContextConfig> config,
            Map<String, XdsResourceType.Resource<TlsSecret>> secrets) {
        if (config.isEmpty()) {
            return Optional.empty();
        }
        return context("cluster " + name, config.get(), secrets);
    }

    private Optional<SslContext> context(String owner, TlsContextConfig config,
            Map<String, XdsResourceType.Resource<TlsSecret>> secrets) {
        Map<String, TlsSecret> resolved = new HashMap<>();
        List<Object> key = new ArrayList<>();
        key.add(config);
        for (String name : config.sdsNames()) {
            XdsResourceType.Resource<TlsSecret> secret = secrets.get(name);
            if (secret == null) {
                return null;
            }
            resolved.put(name, secret.config());
            key.add(secret.config());
        }
        SslContext context = contexts.get(key);
        if (context == null) {
            context = previousContexts.get(key);
        }
        if (context == null) {
            try {
                context = SslContexts.build(config, resolved).orElse(null);
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, owner + ": TLS context not usable, keeping it warming: " + e.getMessage());
                return null;
            }
            if (context == null) {
                return null;
            }
        }
        contexts.put(key, context);
        return Optional.of(context);
    }
}
