import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

final class Common {
    static final byte[] WRK = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BROWSER = ("GET /productpage?u=normal HTTP/1.1\r\nHost: productpage.bookinfo.svc.cluster.local:9080\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0\r\nAccept: text/html,application/xhtml+xml\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n"
            + "Cookie: session=abcdef0123456789; theme=dark\r\nX-Request-Id: 0f8fad5b-d9cb-469f-a165-70867728950e\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    static final byte[] POST = ("POST /api/v1/items HTTP/1.1\r\nHost: api:8080\r\nContent-Type: application/json\r\n"
            + "Content-Length: 64\r\n\r\n" + "x".repeat(64)).getBytes(StandardCharsets.US_ASCII);

    @io.netty.channel.ChannelHandler.Sharable
    static final class Sink extends ChannelInboundHandlerAdapter {
        long messages;
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { messages++; ReferenceCountUtil.release(msg); }
    }

    /** ns of thread CPU per request, best of rounds. */
    static void run(String label, java.util.function.Supplier<EmbeddedChannel> channels, Sink sink) {
        for (byte[] request : new byte[][] {WRK, BROWSER, POST}) {
            EmbeddedChannel ch = channels.get();
            long best = Long.MAX_VALUE;
            int n = 200_000;
            for (int round = 0; round < 12; round++) {
                long t0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(request.length).writeBytes(request);
                    ch.pipeline().fireChannelRead(buf);
                    ch.pipeline().fireChannelReadComplete();
                    // A response per request (both pipelines encode it with Netty's HttpResponseEncoder):
                    // HttpServerCodec's decoder stops after 128 requests left unanswered.
                    io.netty.handler.codec.http.DefaultFullHttpResponse response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.NO_CONTENT);
                    ch.writeOutbound(response);
                    Object out;
                    while ((out = ch.readOutbound()) != null) {
                        ReferenceCountUtil.release(out);
                    }
                }
                long ns = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - t0;
                if (round >= 4) best = Math.min(best, ns / n);
            }
            String kind = request == WRK ? "wrk GET (1 header)" : request == BROWSER ? "browser GET (9 headers)" : "POST 64 B body";
            System.out.printf("%s %-26s %5d ns/request (thread CPU, best of 8 rounds x %d), messages %d%n", label, kind, best, n, sink.messages);
            sink.messages = 0;
            ch.close();
        }
    }
}
