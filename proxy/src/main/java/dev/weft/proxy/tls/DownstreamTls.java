package dev.weft.proxy.tls;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The TLS side of one listener, resolved: per filter chain its {@code server_names} and its built
 * {@link SslContext}. {@link #install} gives each new connection a handler that reads the
 * ClientHello's SNI, picks the context as Envoy picks the filter chain (exact name, then the longest
 * {@code *.suffix} wildcard, then a chain without server names) and becomes the {@code SslHandler};
 * an SNI no chain accepts is refused (connection closed), as Envoy does when no filter chain matches.
 *
 * <p>Immutable: a secret update builds a new {@code DownstreamTls} for the listener's next
 * configuration, so new connections get the new certificate and open ones keep theirs.
 */
public final class DownstreamTls {

    /** Bounds on what a client may send before a context is chosen. */
    static final int MAX_CLIENT_HELLO_BYTES = 64 * 1024;
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    /** One filter chain's part: the SNI names it accepts (empty: any) and its context. */
    public record Chain(List<String> serverNames, SslContext context) {
        public Chain {
            serverNames = serverNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        }
    }

    private final List<Chain> chains;
    private final Map<String, SslContext> exact = new HashMap<>();
    private final Map<String, SslContext> wildcardSuffixes = new HashMap<>();
    private final SslContext fallback;

    public DownstreamTls(List<Chain> chains) {
        this.chains = List.copyOf(chains);
        SslContext any = null;
        for (Chain chain : this.chains) {
            if (chain.serverNames().isEmpty() && any == null) {
                any = chain.context();
            }
            for (String name : chain.serverNames()) {
                if (name.startsWith("*.")) {
                    wildcardSuffixes.putIfAbsent(name.substring(1), chain.context());
                } else {
                    exact.putIfAbsent(name, chain.context());
                }
            }
        }
        this.fallback = any;
    }

    public List<Chain> chains() {
        return chains;
    }

    /** The context for an SNI name (null: the client sent none). */
    public Optional<SslContext> select(String sni) {
        if (sni != null) {
            String host = sni.toLowerCase(Locale.ROOT);
            SslContext found = exact.get(host);
            if (found != null) {
                return Optional.of(found);
            }
            // Longest wildcard first: "*.b.example.com" before "*.example.com".
            for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
                found = wildcardSuffixes.get(host.substring(dot));
                if (found != null) {
                    return Optional.of(found);
                }
            }
        }
        return Optional.ofNullable(fallback);
    }

    /**
     * Installs the TLS handlers at the front of a new connection's pipeline: the SNI selector (which
     * replaces itself with the chosen {@code SslHandler}) and a guard that closes the connection
     * when no chain accepts the name and then removes itself.
     *
     * @param onRefused told the SNI name (or "" for none) when no chain accepts it
     */
    public void install(ChannelPipeline pipeline, Consumer<String> onRefused) {
        AsyncMapping<String, SslContext> mapping = (String sni, Promise<SslContext> promise) -> {
            Optional<SslContext> context = select(sni);
            return context.isPresent() ? promise.setSuccess(context.get())
                    : promise.setFailure(new NoMatchingChainException(sni));
        };
        pipeline.addFirst(new RefusalGuard(onRefused));
        pipeline.addFirst(new SniHandler(mapping, MAX_CLIENT_HELLO_BYTES, HANDSHAKE_TIMEOUT_MILLIS));
    }

    /** Closes the connection when the SNI lookup failed; gone from the pipeline once a context is chosen. */
    private static final class RefusalGuard extends ChannelInboundHandlerAdapter {
        private final Consumer<String> onRefused;
        private boolean refused;

        RefusalGuard(Consumer<String> onRefused) {
            this.onRefused = onRefused;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SniCompletionEvent sni) {
                if (sni.isSuccess()) {
                    ctx.pipeline().remove(this);
                } else {
                    refused = true;
                    onRefused.accept(sni.hostname() == null ? "" : sni.hostname());
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (refused) {
                return; // the lookup failure, already handled
            }
            // A malformed or oversized ClientHello: nothing to answer in TLS terms; close.
            ctx.close();
        }
    }

    private static final class NoMatchingChainException extends Exception {
        NoMatchingChainException(String sni) {
            super("no filter chain for server name " + sni, null, false, false);
        }
    }
}
