package dev.weft.proxy.upstream;

import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Requests of one host's pool waiting for a connection (HTTP/1.1) or a stream (HTTP/2), oldest
 * first, bounded by the cluster's {@code max_pending_requests} circuit breaker: each waiter holds a
 * slot of {@link ClusterLimits#pending} from {@link #offer} until it is taken out. Not thread-safe:
 * the owning pool calls it under its own lock.
 */
final class PendingRequests {

    /** A waiting request: the future to complete with its connection, and its downstream's loop (null: any). */
    record Waiter(CompletableFuture<UpstreamConnection> future, EventLoop loop) {
    }

    private final ClusterLimits limits;
    private final PoolStats stats;
    private final Deque<Waiter> waiting = new ArrayDeque<>();

    PendingRequests(ClusterLimits limits, PoolStats stats) {
        this.limits = limits;
        this.stats = stats;
    }

    /** Queues the request (counted in {@code upstream_rq_pending_total}), or false: {@code max_pending_requests} reached. */
    boolean offer(CompletableFuture<UpstreamConnection> future, EventLoop loop) {
        if (!ClusterLimits.tryIncrement(limits.pending, limits.limits.maxPendingRequests())) {
            return false;
        }
        stats.pending().increment();
        waiting.add(new Waiter(future, loop));
        return true;
    }

    /** The oldest waiter, its pending slot freed; null if none waits. */
    Waiter poll() {
        Waiter waiter = waiting.poll();
        if (waiter != null) {
            limits.pending.decrementAndGet();
        }
        return waiter;
    }

    /** The oldest waiter still waiting (those that timed out meanwhile are dropped), or null. */
    CompletableFuture<UpstreamConnection> pollLive() {
        Waiter waiter;
        while ((waiter = poll()) != null) {
            if (!waiter.future().isDone()) {
                return waiter.future();
            }
        }
        return null;
    }

    /**
     * The oldest waiter if a connection may be opened for it (under {@code max_connections}, the
     * slot then taken for it), else null.
     */
    Waiter pollWithConnectionSlot() {
        if (waiting.isEmpty() || !ClusterLimits.tryIncrement(limits.connections, limits.limits.maxConnections())) {
            return null;
        }
        return poll();
    }

    /** Every waiter, taken out, oldest first. */
    List<Waiter> pollAll() {
        List<Waiter> all = new ArrayList<>(waiting.size());
        Waiter waiter;
        while ((waiter = poll()) != null) {
            all.add(waiter);
        }
        return all;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }
}
