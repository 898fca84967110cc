package dev.weft.proxy.listener;

import dev.weft.proxy.config.ListenerFiltersConfig;
import dev.weft.proxy.listener.filter.HttpInspector;
import dev.weft.proxy.listener.filter.Inspection;
import dev.weft.proxy.listener.filter.TlsInspector;
import dev.weft.proxy.network.ConnectionInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs the inspecting listener filters (tls_inspector, http_inspector) on a new connection: reads
 * its first bytes (at most {@link #MAX_PEEK} bytes, for at most {@code listener_filters_timeout})
 * until each inspector has decided, then hands the connection, with what was learnt, to the chain
 * set-up and replays the bytes read into the chosen chain. A timeout closes the connection unless
 * {@code continue_on_listener_filters_timeout}.
 */
final class ListenerFilterHandler extends ChannelInboundHandlerAdapter {

    static final int MAX_PEEK = TlsInspector.MAX_CLIENT_HELLO + 5;

    private final ListenerFiltersConfig filters;
    private final BiConsumer<ChannelHandlerContext, ConnectionInfo> done;
    private final Runnable onTimeout;
    private ConnectionInfo connection;
    private Inspection tls;
    private Inspection http;
    private CompositeByteBuf peeked;
    private ScheduledFuture<?> timer;
    private boolean finished;

    /**
     * @param done      installs the chosen chain; the peeked bytes are replayed after it returns
     * @param onTimeout counts the timeout
     */
    ListenerFilterHandler(ListenerFiltersConfig filters, ConnectionInfo connection,
            BiConsumer<ChannelHandlerContext, ConnectionInfo> done, Runnable onTimeout) {
        this.filters = filters;
        this.connection = connection;
        this.done = done;
        this.onTimeout = onTimeout;
        this.tls = filters.tlsInspector() ? Inspection.NEED_MORE : Inspection.NOT_DETECTED;
        this.http = filters.httpInspector() ? Inspection.NEED_MORE : Inspection.NOT_DETECTED;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        peeked = ctx.alloc().compositeBuffer();
        if (!filters.timeout().isZero()) {
            timer = ctx.executor().schedule(() -> {
                if (finished) {
                    return;
                }
                onTimeout.run();
                if (filters.continueOnTimeout()) {
                    finish(ctx);
                } else {
                    finished = true;
                    ctx.close();
                }
            }, filters.timeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished || !(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peeked.addComponent(true, bytes);
        if (tls == Inspection.NEED_MORE) {
            tls = TlsInspector.inspect(peeked);
        }
        // A TLS ClientHello is not HTTP; http_inspector has nothing to say then.
        if (tls instanceof Inspection.Tls) {
            http = Inspection.NOT_DETECTED;
        } else if (http == Inspection.NEED_MORE) {
            http = HttpInspector.inspect(peeked);
        }
        boolean full = peeked.readableBytes() >= MAX_PEEK;
        if (full || (tls != Inspection.NEED_MORE && http != Inspection.NEED_MORE)) {
            finish(ctx);
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        if (finished) {
            return;
        }
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (tls instanceof Inspection.Tls hello) {
            connection = connection.withTls(hello.serverName(), hello.applicationProtocols());
        } else if (http instanceof Inspection.Http detected) {
            connection = connection.withApplicationProtocols(List.of(detected.protocol()));
        }
        ByteBuf replay = peeked;
        peeked = null;
        done.accept(ctx, connection);
        if (!ctx.channel().isActive()) {
            replay.release();
            return;
        }
        ctx.pipeline().remove(this);
        if (replay.isReadable()) {
            ctx.pipeline().fireChannelRead(replay);
            ctx.pipeline().fireChannelReadComplete();
        } else {
            replay.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (peeked != null) {
            peeked.release();
            peeked = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
