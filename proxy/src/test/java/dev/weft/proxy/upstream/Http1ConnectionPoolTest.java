package dev.weft.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's event-loop affinity, on real sockets: a request gets a connection on its downstream
 * connection's event loop (so a proxied request never hands off between threads), and never waits
 * for a connection while one is idle.
 */
class Http1ConnectionPoolTest {

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private Transport transport;
    private ServerSocket listener;
    private Thread acceptor;
    private final ProxyStats stats = new ProxyStats();

    @BeforeEach
    void start() throws IOException {
        transport = Transport.create(2);
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    accepted.add(listener.accept());
                }
            } catch (IOException closed) {
                // test over
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        listener.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        transport.close();
    }

    private Http1ConnectionPool pool(int maxConnections) {
        ClusterLimits limits = new ClusterLimits(new ClusterConfig.Limits(maxConnections, 1024, 1024, 3));
        return new Http1ConnectionPool(transport, new InetSocketAddress("127.0.0.1", listener.getLocalPort()), limits,
                Duration.ofSeconds(2), 0, PoolStats.of(stats, "c"));
    }

    private List<EventLoop> twoLoops() {
        EventLoop first = (EventLoop) transport.workers().next();
        EventLoop second = (EventLoop) transport.workers().next();
        assertThat(second).isNotSameAs(first);
        return List.of(first, second);
    }

    @Test
    void connectionsAreOpenedAndReusedOnTheRequestsEventLoop() throws Exception {
        List<EventLoop> loops = twoLoops();
        Http1ConnectionPool pool = pool(1024);
        for (int round = 0; round < 3; round++) {
            for (EventLoop loop : loops) {
                UpstreamConnection connection = pool.acquire(loop).get(5, TimeUnit.SECONDS);
                assertThat(connection.channel().eventLoop()).isSameAs(loop);
                pool.release(connection, true);
            }
        }
        // One connection per loop, each reused by the later rounds.
        assertThat(stats.get("cluster.c.upstream_cx_total")).isEqualTo(2);
        assertThat(pool.idleConnections()).isEqualTo(2);
    }

    @Test
    void theFastPathTakesOnlyAnIdleLiveConnectionOfTheRequestsOwnLoop() throws Exception {
        List<EventLoop> loops = twoLoops();
        Http1ConnectionPool pool = pool(1024);
        assertThat(pool.tryAcquireIdle(loops.get(0))).isNull(); // none yet: acquire() opens one
        UpstreamConnection first = pool.acquire(loops.get(0)).get(5, TimeUnit.SECONDS);
        pool.release(first, true);

        // Another loop's idle connection is acquire()'s choice (it may open one of its own first).
        assertThat(pool.tryAcquireIdle(loops.get(1))).isNull();
        assertThat(pool.tryAcquireIdle(null)).isNull();
        assertThat(pool.idleConnections()).isEqualTo(1);
        assertThat(pool.tryAcquireIdle(loops.get(0))).isSameAs(first);
        assertThat(pool.idleConnections()).isZero();

        // A connection the host closed while idle is dropped, not lent.
        pool.release(first, true);
        first.channel().close().syncUninterruptibly();
        assertThat(pool.tryAcquireIdle(loops.get(0))).isNull();
        assertThat(pool.idleConnections()).isZero();
    }

    @Test
    void anIdleConnectionOfAnotherLoopIsTakenRatherThanWaitingAtTheConnectionLimit() throws Exception {
        List<EventLoop> loops = twoLoops();
        Http1ConnectionPool pool = pool(1);
        UpstreamConnection first = pool.acquire(loops.get(0)).get(5, TimeUnit.SECONDS);
        pool.release(first, true);

        var second = pool.acquire(loops.get(1));
        assertThat(second).isCompleted();
        assertThat(second.get()).isSameAs(first);
        assertThat(stats.get("cluster.c.upstream_rq_pending_total")).isZero();
        assertThat(stats.get("cluster.c.upstream_cx_total")).isEqualTo(1);
    }

    @Test
    void aClustersPerConnectionBufferLimitIsItsConnectionsWriteWatermark() throws Exception {
        ClusterLimits limits = new ClusterLimits(new ClusterConfig.Limits(16, 1024, 1024, 3));
        Http1ConnectionPool limited = new Http1ConnectionPool(transport,
                new InetSocketAddress("127.0.0.1", listener.getLocalPort()), limits, Duration.ofSeconds(2), 0,
                PoolStats.of(stats, "c"), java.util.Optional.empty(), 16 * 1024);
        UpstreamConnection connection = limited.acquire(null).get(5, TimeUnit.SECONDS);
        assertThat(connection.channel().config().getWriteBufferHighWaterMark()).isEqualTo(16 * 1024);
        assertThat(connection.channel().config().getWriteBufferLowWaterMark()).isEqualTo(8 * 1024);
        // Past the limit the connection says it takes no more: the request body waits (and, past
        // the listener's limit, the client is not read).
        io.netty.channel.Channel channel = connection.channel();
        boolean writable = channel.eventLoop().submit(() -> {
            // Bytes below the HTTP codec, unflushed: they wait in the connection's outbound buffer.
            channel.pipeline().context(UpstreamHttp1Codec.class)
                    .write(io.netty.buffer.Unpooled.wrappedBuffer(new byte[16 * 1024 + 1]));
            return channel.isWritable();
        }).get(5, TimeUnit.SECONDS);
        assertThat(writable).isFalse();
        limited.release(connection, false);

        UpstreamConnection unlimited = pool(16).acquire(null).get(5, TimeUnit.SECONDS);
        assertThat(unlimited.channel().config().getWriteBufferHighWaterMark())
                .isEqualTo(io.netty.channel.WriteBufferWaterMark.DEFAULT.high());
    }
}
