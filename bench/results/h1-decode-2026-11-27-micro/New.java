import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.http.codec.Http1RequestScanner;
import io.netty.channel.embedded.EmbeddedChannel;

public class New {
    public static void main(String[] args) {
        ProxyLimits.Http limits = ProxyLimits.Http.DEFAULTS;
        Common.Sink sink = new Common.Sink();
        Common.run("h1-decode", () -> {
            EmbeddedChannel ch = new EmbeddedChannel();
            Http1RequestScanner.install(ch.pipeline(), limits, new Http1RequestScanner.Options(false, () -> null, s -> null, () -> null));
            ch.pipeline().addLast(sink);
            return ch;
        }, sink);
    }
}
