package dev.weft.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of one downstream request while it streams upstream (Envoy's request buffering in the
 * router). Chunks go to the current upstream attempt ({@link Sink}) as they arrive and as fast as it
 * takes them; what it cannot take yet waits here, and above {@code bufferLimit} bytes waiting the
 * downstream is not read (backpressure: TCP for HTTP/1.1, the stream's flow-control window for
 * HTTP/2). For retries and mirrors a copy is kept (retained duplicates, no byte copy) while the whole
 * body fits in {@code bufferLimit} (Envoy's per_connection_buffer_limit_bytes, 1 MiB): past it the
 * copy is dropped and the request can no longer be sent again ("never retry a request whose body
 * was not buffered", Envoy's retry_shadow_buffer_limit). Confined to the downstream event loop.
 */
public final class RequestBody {

    /** Where the body goes: the current upstream attempt. */
    public interface Sink {

        boolean writable();

        /** One chunk; its reference passes. */
        void write(HttpContent chunk);

        void flush();

        /** The end of the body with its trailers (reference passes). */
        void end(LastHttpContent last);
    }

    /** Pauses and resumes reading the downstream (the connection manager's, shared with pipelining). */
    interface Reads {
        void pause();

        void resume();
    }

    private static final Reads NO_READS = new Reads() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
    };

    private final boolean present;
    private final int bufferLimit;
    private final Reads reads;
    private final ArrayDeque<ByteBuf> unsent;
    private long unsentBytes;
    /** The copy for retries and mirrors; null once the body outgrew the buffer limit. */
    private List<ByteBuf> kept;
    private HttpHeaders trailers = EmptyHttpHeaders.INSTANCE;
    private long received;
    private boolean ended;
    private boolean released;
    private boolean paused;
    private Sink sink;
    private boolean sinkUsed;
    private boolean endSent;
    private List<Runnable> whenEnded;
    private List<Runnable> whenAborted;
    private List<Runnable> whenOverflowed;
    private Runnable whenData;

    RequestBody(boolean present, int bufferLimit, Reads reads) {
        this.present = present;
        this.bufferLimit = bufferLimit;
        this.reads = reads;
        this.ended = !present;
        this.kept = present ? new ArrayList<>(2) : List.of();
        // Sized for what comes: most requests have no body, and the default 16 slots were garbage for each.
        this.unsent = new ArrayDeque<>(present ? 16 : 0);
    }

    /** A request without body (tests, synthetic requests). */
    public static RequestBody empty() {
        return new RequestBody(false, 0, NO_READS);
    }

    /** Whether the request has (or may have) a body: false lets a request go upstream as one message. */
    public boolean present() {
        return present;
    }

    /** Whether all of the body arrived. */
    public boolean ended() {
        return ended;
    }

    /** Body bytes received so far. */
    public long bytes() {
        return received;
    }

    /** Whether the whole body (so far) is kept, so that the request can be sent again. */
    public boolean replayable() {
        return kept != null && !released;
    }

    /** Runs {@code action} once the body has arrived whole (now if it has). */
    public void whenEnded(Runnable action) {
        if (ended) {
            action.run();
            return;
        }
        if (whenEnded == null) {
            whenEnded = new ArrayList<>(1);
        }
        whenEnded.add(action);
    }

    /** Runs {@code action} once the first body bytes (or the end) arrived: now if they have. */
    public void whenData(Runnable action) {
        if (received > 0 || ended) {
            action.run();
        } else {
            whenData = action;
        }
    }

    /** Runs {@code action} when the body outgrows the buffer limit (no retry or mirror can have it any more). */
    public void whenOverflowed(Runnable action) {
        if (kept == null) {
            action.run();
            return;
        }
        if (whenOverflowed == null) {
            whenOverflowed = new ArrayList<>(1);
        }
        whenOverflowed.add(action);
    }

    /** Runs {@code action} if the downstream fails before its body ended (bad chunk, reset, timeout). */
    public void whenAborted(Runnable action) {
        if (ended) {
            return; // it can no longer abort (see abort): nothing kept
        }
        if (whenAborted == null) {
            whenAborted = new ArrayList<>(1);
        }
        whenAborted.add(action);
    }

    /** A chunk from the downstream (its reference passes here). */
    void append(HttpContent chunk) {
        ByteBuf content = chunk.content();
        if (released || ended) {
            chunk.release();
            return;
        }
        int size = content.readableBytes();
        received += size;
        if (kept != null) {
            if (received <= bufferLimit) {
                if (size > 0) {
                    kept.add(content.retainedDuplicate());
                }
            } else {
                kept.forEach(ByteBuf::release);
                kept = null;
                List<Runnable> actions = whenOverflowed;
                whenOverflowed = null;
                if (actions != null) {
                    actions.forEach(Runnable::run);
                }
            }
        }
        if (size > 0) {
            unsent.add(content);
            unsentBytes += size;
        } else {
            content.release();
        }
        if (chunk instanceof LastHttpContent last) {
            trailers = last.trailingHeaders();
            ended = true;
            List<Runnable> actions = whenEnded;
            whenEnded = null;
            if (actions != null) {
                actions.forEach(Runnable::run);
            }
        }
        pump();
        if (!paused && unsentBytes > bufferLimit) {
            paused = true;
            reads.pause();
        }
        Runnable first = whenData;
        if (first != null && (received > 0 || ended)) {
            whenData = null;
            first.run();
        }
    }

    /**
     * The body goes to {@code target} from now on. A second sink (a retry) gets the body from its
     * start, from the kept copy: only call it when {@link #replayable()}.
     */
    public void attach(Sink target) {
        if (released) {
            return;
        }
        if (sinkUsed && kept != null) {
            unsent.forEach(ByteBuf::release);
            unsent.clear();
            unsentBytes = 0;
            for (ByteBuf buf : kept) {
                unsent.add(buf.retainedDuplicate());
                unsentBytes += buf.readableBytes();
            }
            endSent = false;
        }
        sink = target;
        sinkUsed = true;
        pump();
    }

    /** {@code target} takes no more (its attempt ended). */
    public void detach(Sink target) {
        if (sink == target) {
            sink = null;
        }
    }

    /** Writes what the sink takes now (again when it becomes writable). */
    public void pump() {
        Sink target = sink;
        if (target == null || released) {
            return;
        }
        boolean wrote = false;
        while (!unsent.isEmpty() && target.writable()) {
            ByteBuf next = unsent.poll();
            unsentBytes -= next.readableBytes();
            target.write(new DefaultHttpContent(next));
            wrote = true;
        }
        if (ended && unsent.isEmpty() && !endSent) {
            endSent = true;
            target.end(trailers.isEmpty() ? LastHttpContent.EMPTY_LAST_CONTENT
                    : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
        } else if (wrote) {
            target.flush();
        }
        if (paused && unsentBytes <= bufferLimit / 2) {
            paused = false;
            reads.resume();
        }
    }

    /** The whole body when it is complete and kept (a mirror's copy, retained: the caller releases it), else null. */
    public ByteBuf copy() {
        if (!ended || kept == null || released) {
            return null;
        }
        if (kept.isEmpty()) {
            return Unpooled.EMPTY_BUFFER;
        }
        CompositeByteBuf whole = Unpooled.compositeBuffer(Math.max(2, kept.size()));
        for (ByteBuf buf : kept) {
            whole.addComponent(true, buf.retainedDuplicate());
        }
        return whole;
    }

    /** The trailers, once {@link #ended()} (empty if none). */
    public HttpHeaders trailers() {
        return trailers;
    }

    /** The downstream failed mid-body: whoever sends it upstream must give up (the exchange is over). */
    void abort() {
        boolean wasEnded = ended;
        List<Runnable> actions = whenAborted;
        whenAborted = null;
        release();
        if (!wasEnded && actions != null) {
            actions.forEach(Runnable::run);
        }
    }

    /** The exchange is over: everything held is freed; later chunks are dropped (reading goes on). */
    void release() {
        if (released) {
            return;
        }
        released = true;
        sink = null;
        unsent.forEach(ReferenceCountUtil::release);
        unsent.clear();
        unsentBytes = 0;
        if (kept != null) {
            kept.forEach(ByteBuf::release);
            kept = List.of();
        }
        if (paused) {
            paused = false;
            reads.resume();
        }
    }
}
