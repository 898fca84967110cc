package dev.weft.proxy.http.codec;

import dev.weft.proxy.http.ConnectionEvent;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link ConnectionEvent#CONNECTION_IDLE} and/or {@link ConnectionEvent#STREAM_IDLE} when a
 * connection (or HTTP/2 stream) has neither read nor written for the event's timeout, and again
 * every timeout while it stays idle. Output counts as activity only while it progresses: a client
 * that stops reading its response is idle even though a write is pending.
 *
 * <p>One handler and one timer for both timeouts, and no promise per write: Netty's
 * IdleStateHandler (used before, one per timeout) turns every write's void promise into a real one
 * with a listener, two per write with two handlers. Here a flush that leaves nothing pending is
 * activity; a flush that leaves bytes pending counts when the timer finds the outbound buffer moved
 * (IdleStateHandler's observeOutput check).
 */
public final class IdleTimer extends ChannelDuplexHandler {

    private final ConnectionEvent[] events;
    private final long[] timeouts;
    private final long shortest;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean stopped;
    private boolean reading;
    private boolean wrotePending;
    private long lastActivity;
    private final long[] lastFired;
    // The outbound buffer as the last check saw it (IdleStateHandler's observeOutput).
    private int lastMessage;
    private long lastPendingBytes;
    private long lastProgress;

    public IdleTimer(ConnectionEvent event, Duration timeout) {
        this(new ConnectionEvent[] {event}, new long[] {timeout.toNanos()});
    }

    private IdleTimer(ConnectionEvent[] events, long[] timeouts) {
        this.events = events;
        this.timeouts = timeouts;
        long min = Long.MAX_VALUE;
        for (long t : timeouts) {
            min = Math.min(min, t);
        }
        this.shortest = min;
        this.lastFired = new long[timeouts.length];
    }

    /** Both timers of an HTTP/1.1 connection in one handler; a zero timeout is off (null: neither is on). */
    public static IdleTimer of(Duration connectionIdle, Duration streamIdle) {
        boolean connection = !connectionIdle.isZero();
        boolean stream = !streamIdle.isZero();
        if (connection && stream) {
            return new IdleTimer(new ConnectionEvent[] {ConnectionEvent.CONNECTION_IDLE, ConnectionEvent.STREAM_IDLE},
                    new long[] {connectionIdle.toNanos(), streamIdle.toNanos()});
        }
        if (connection) {
            return new IdleTimer(ConnectionEvent.CONNECTION_IDLE, connectionIdle);
        }
        return stream ? new IdleTimer(ConnectionEvent.STREAM_IDLE, streamIdle) : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        if (context.channel().isActive() && context.channel().isRegistered()) {
            start();
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext context) throws Exception {
        if (context.channel().isActive()) {
            start();
        }
        super.channelRegistered(context);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        start();
        super.channelActive(context);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        stop();
        super.channelInactive(context);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        reading = true;
        context.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (reading) {
            reading = false;
            lastActivity = ctx.executor().ticker().nanoTime();
        }
        context.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        wrotePending = true;
        context.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext context) {
        context.flush();
        if (wrotePending) {
            ChannelOutboundBuffer out = context.channel().unsafe().outboundBuffer();
            if (out == null || out.totalPendingWriteBytes() == 0) {
                // Everything written went to the socket (or, for an HTTP/2 stream, to its connection).
                wrotePending = false;
                lastActivity = ctx.executor().ticker().nanoTime();
            }
        }
    }

    private void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        lastActivity = ctx.executor().ticker().nanoTime();
        java.util.Arrays.fill(lastFired, lastActivity);
        outputMoved(); // takes the first snapshot
        timer = ctx.executor().schedule(this::check, shortest, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        timer = null;
        if (stopped || !ctx.channel().isOpen()) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        if (reading || outputMoved()) {
            lastActivity = now; // a read in progress, or bytes left the outbound buffer since the last check
        }
        long nextCheck = Long.MAX_VALUE;
        boolean[] due = new boolean[events.length];
        for (int i = 0; i < events.length; i++) {
            // Idle for the timeout since the last activity, and since this event last fired.
            long dueAt = Math.max(lastActivity, lastFired[i]) + timeouts[i];
            if (now - dueAt >= 0) {
                due[i] = true;
                lastFired[i] = now;
                dueAt = now + timeouts[i];
            }
            nextCheck = Math.min(nextCheck, dueAt - now);
        }
        timer = ctx.executor().schedule(this::check, nextCheck, TimeUnit.NANOSECONDS);
        for (int i = 0; i < events.length && !stopped; i++) {
            if (due[i]) {
                ctx.fireUserEventTriggered(events[i]);
            }
        }
    }

    /** Whether the outbound buffer changed since the last call (a pending write progressed or was taken). */
    private boolean outputMoved() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out == null) {
            return false;
        }
        int message = System.identityHashCode(out.current());
        long pending = out.totalPendingWriteBytes();
        long progress = out.currentProgress();
        boolean moved = message != lastMessage || pending != lastPendingBytes || progress != lastProgress;
        lastMessage = message;
        lastPendingBytes = pending;
        lastProgress = progress;
        return moved;
    }
}
