package dev.weft.proxy.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A hostile HTTP/2 client: frames are encoded by Netty's {@link DefaultHttp2FrameWriter} and
 * written on a plain socket without any connection state machine, so it can send what a
 * well-behaved codec never would. What comes back is decoded by Netty's frame reader into events:
 * {@code GOAWAY <code>}, {@code RST <stream> <code>}, {@code HEADERS <stream> <status>},
 * {@code PINGACK <data>}, {@code CLOSED}.
 */
final class HostileHttp2Client implements AutoCloseable {

    static final long ENHANCE_YOUR_CALM = 0xb;
    static final long REFUSED_STREAM = 0x7;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Channel channel;
    private volatile ChannelHandlerContext ctx;

    HostileHttp2Client(InetSocketAddress address) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<NioSocketChannel>() {
                    @Override
                    protected void initChannel(NioSocketChannel ch) {
                        ch.pipeline().addLast(new FrameEvents());
                    }
                })
                .connect(address).sync().channel();
        run(c -> {
            c.write(Http2CodecUtil.connectionPrefaceBuf());
            writer.writeSettings(c, new Http2Settings(), c.newPromise());
        });
    }

    /** Runs frame writes on the channel's loop and flushes them. */
    void run(Consumer<ChannelHandlerContext> frames) throws InterruptedException {
        channel.eventLoop().submit(() -> {
            if (ctx != null && channel.isActive()) {
                frames.accept(ctx);
                ctx.flush();
            }
        }).await(30, TimeUnit.SECONDS);
    }

    boolean open() {
        return channel.isActive();
    }

    static Http2Headers get(String authority, String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority(authority).path(path);
    }

    void headers(ChannelHandlerContext c, int stream, Http2Headers headers, boolean endStream) {
        writer.writeHeaders(c, stream, headers, 0, endStream, c.newPromise());
    }

    void rst(ChannelHandlerContext c, int stream) {
        writer.writeRstStream(c, stream, 0x8 /* CANCEL */, c.newPromise());
    }

    void ping(ChannelHandlerContext c, long data) {
        writer.writePing(c, false, data, c.newPromise());
    }

    void settings(ChannelHandlerContext c) {
        writer.writeSettings(c, new Http2Settings(), c.newPromise());
    }

    void data(ChannelHandlerContext c, int stream, String text, boolean endStream) {
        writer.writeData(c, stream, Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.UTF_8), 0, endStream,
                c.newPromise());
    }

    void emptyData(ChannelHandlerContext c, int stream) {
        writer.writeData(c, stream, Unpooled.EMPTY_BUFFER, 0, false, c.newPromise());
    }

    /** Any frame, as bytes: e.g. HEADERS without END_HEADERS, or CONTINUATION. */
    void raw(ChannelHandlerContext c, byte type, int stream, int flags, ByteBuf payload) {
        writer.writeFrame(c, type, stream, new io.netty.handler.codec.http2.Http2Flags((short) flags), payload,
                c.newPromise());
    }

    /** Waits for an event matching {@code wanted}; fails naming what did arrive. */
    String await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder seen = new StringBuilder();
        while (true) {
            String event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("timed out after " + timeout + "; events seen: " + seen);
            }
            if (wanted.test(event)) {
                return event;
            }
            if (seen.length() < 2_000) {
                seen.append(event).append("; ");
            }
        }
    }

    /** GOAWAY then CLOSED, or CLOSED alone (a reset may discard the GOAWAY in flight): the connection ended. */
    String awaitGoAwayOrClose(Duration timeout) throws InterruptedException {
        String first = await(event -> event.startsWith("GOAWAY") || event.equals("CLOSED"), timeout);
        if (first.startsWith("GOAWAY")) {
            await("CLOSED"::equals, timeout);
        }
        return first;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5_000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }

    private final class FrameEvents extends ByteToMessageDecoder {
        private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(true);
        private final Http2FrameAdapter listener = new Http2FrameAdapter() {
            @Override
            public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
                events.add("GOAWAY " + errorCode);
            }

            @Override
            public void onPingAckRead(ChannelHandlerContext c, long data) {
                events.add("PINGACK " + data);
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
                events.add("RST " + streamId + " " + errorCode);
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                    boolean endStream) {
                events.add("HEADERS " + streamId + " " + headers.status());
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int dependency,
                    short weight, boolean exclusive, int padding, boolean endStream) {
                onHeadersRead(c, streamId, headers, padding, endStream);
            }

            @Override
            public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean end) {
                return data.readableBytes() + padding;
            }
        };

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
        }

        @Override
        protected void decode(ChannelHandlerContext c, ByteBuf in, java.util.List<Object> out) throws Exception {
            reader.readFrame(c, in, listener);
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) throws Exception {
            events.add("CLOSED");
            super.channelInactive(c);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            events.add("ERROR " + cause);
            c.close();
        }
    }
}
