package dev.weft.proxy.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The proxy's event loops and socket channel types: native epoll where it loads (Linux x86-64),
 * NIO elsewhere. One group serves both downstream and upstream connections, so a request and its
 * upstream connection usually share a thread.
 */
public final class Transport implements AutoCloseable {

    private final boolean epoll;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;

    private Transport(boolean epoll, int workerThreads) {
        this.epoll = epoll;
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("weft-accept", true), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads,
                new DefaultThreadFactory("weft-worker", true), factory);
    }

    /** Epoll if available (unless {@code -Dweft.proxy.nio=true}), else NIO. */
    public static Transport create(int workerThreads) {
        boolean epoll = !Boolean.getBoolean("weft.proxy.nio") && Epoll.isAvailable();
        return new Transport(epoll, Math.max(1, workerThreads));
    }

    /**
     * The proxy process's setting (ProxyMain; tests keep Netty's default): no buffer leak tracking
     * unless {@code -Dio.netty.leakDetection.level} asks for it. Netty's default (SIMPLE) records a
     * stack trace for one buffer in 128 and wraps each to follow it: about 3% of the proxy's CPU at
     * 1,000 rps (perf, 2026-11-27: ResourceLeakDetector$TraceRecord.&lt;init&gt; 1.5%, leak close and
     * SimpleLeakAwareByteBuf.release 1.9%), for a report nobody reads in production.
     */
    public static void withoutLeakDetection() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    public String name() {
        return epoll ? "epoll" : "nio";
    }

    public EventLoopGroup acceptors() {
        return acceptors;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> clientChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public void close() {
        acceptors.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        acceptors.terminationFuture().awaitUninterruptibly(5_000);
        workers.terminationFuture().awaitUninterruptibly(5_000);
    }
}
