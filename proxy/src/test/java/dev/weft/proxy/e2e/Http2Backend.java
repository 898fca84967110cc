package dev.weft.proxy.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/2-only (prior knowledge, or over TLS) server on 127.0.0.1 that answers
 * {@code h2 <authority> <path>} with a trailer {@code x-trailer: end}, and counts connections and
 * requests. A request for {@code /hold...} is never answered; the RST_STREAM codes it receives are
 * recorded ({@link #resets}).
 */
final class Http2Backend implements AutoCloseable {

    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    /** How many of the next requests to refuse with RST_STREAM REFUSED_STREAM. */
    final AtomicInteger refuse = new AtomicInteger();
    /** The trailers of the last request, as {@code name=value} lines. */
    final java.util.concurrent.atomic.AtomicReference<String> lastTrailers = new java.util.concurrent.atomic.AtomicReference<>("");
    /** The error codes of the RST_STREAM frames received. */
    final java.util.List<Long> resets = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Requests for /hold... received and not answered. */
    final AtomicInteger held = new AtomicInteger();
    /** Over TLS: the protocol each connection's handshake agreed by ALPN ("" none). */
    final java.util.List<String> alpn = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    Http2Backend() throws InterruptedException {
        this(null);
    }

    /** Over TLS with {@code tls} (a server context offering h2 by ALPN), or cleartext when null. */
    Http2Backend(io.netty.handler.ssl.SslContext tls) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<NioSocketChannel>() {
                    @Override
                    protected void initChannel(NioSocketChannel channel) {
                        connections.incrementAndGet();
                        if (tls != null) {
                            io.netty.handler.ssl.SslHandler ssl = tls.newHandler(channel.alloc());
                            ssl.handshakeFuture().addListener(done -> alpn.add(
                                    ssl.applicationProtocol() == null ? "" : ssl.applicationProtocol()));
                            channel.pipeline().addLast(ssl);
                        }
                        channel.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new RecordResets(),
                                                new Http2StreamFrameToHttpObjectCodec(true),
                                                new HttpObjectAggregator(1024 * 1024), new Answer());
                                    }
                                }));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.incrementAndGet();
            StringBuilder trailers = new StringBuilder();
            request.trailingHeaders().forEach(entry -> trailers.append(entry.getKey()).append('=')
                    .append(entry.getValue()).append('\n'));
            lastTrailers.set(trailers.toString());
            if (request.uri().startsWith("/hold")) {
                held.incrementAndGet();
                return;
            }
            if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ctx.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2ResetFrame(
                        io.netty.handler.codec.http2.Http2Error.REFUSED_STREAM));
                return;
            }
            String body = "h2 " + request.headers().get(HttpHeaderNames.HOST) + " " + request.uri();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            response.trailingHeaders().set("x-trailer", "end");
            ctx.writeAndFlush(response);
        }
    }

    private final class RecordResets extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof io.netty.handler.codec.http2.Http2ResetFrame reset) {
                resets.add(reset.errorCode());
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5_000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
}
