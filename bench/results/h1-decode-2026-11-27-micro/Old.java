import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.http.codec.Http1RequestScanner;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.*;

public class Old {
    public static void main(String[] args) {
        ProxyLimits.Http limits = ProxyLimits.Http.DEFAULTS;
        Common.Sink sink = new Common.Sink();
        Common.run("main   ", () -> {
            HttpServerCodec codec = new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes() + 1024)
                .setMaxHeaderSize(limits.maxRequestHeadBytes() + 1024)
                .setMaxChunkSize(8192).setStrictLineParsing(true).setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false));
            EmbeddedChannel ch = new EmbeddedChannel();
            ch.pipeline().addLast(Http1RequestScanner.NAME, new Http1RequestScanner(limits)).addLast(codec)
                .addLast(new HttpServerUpgradeHandler(codec, p -> null, 1 << 20) {
                    @Override protected boolean shouldHandleUpgradeRequest(HttpRequest r) {
                        String u = r.headers().get(HttpHeaderNames.UPGRADE);
                        return u != null && u.toLowerCase(java.util.Locale.ROOT).contains("h2c");
                    }})
                .addLast(new dev.weft.proxy.http.WebSocketUpgradeHandler(null, null, null, null))
                .addLast(new HttpServerExpectContinueHandler())
                .addLast(sink);
            return ch;
        }, sink);
    }
}
