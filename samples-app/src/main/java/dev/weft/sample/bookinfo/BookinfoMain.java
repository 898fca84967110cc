package dev.weft.sample.bookinfo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts one Bookinfo service: {@code BookinfoMain <productpage|details|reviews|ratings> [--port N]
 * [--version v1|v2|v3] ...} (see {@link Settings#USAGE}). The services know nothing of a mesh: they
 * call each other by the host names they are given, through HTTP_PROXY when it is set.
 */
public final class BookinfoMain {
    private BookinfoMain() {}

    /** A started service: its port, and close() to stop it and its outbound client. */
    public record Running(HttpService server, Upstream upstream) implements AutoCloseable {
        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> argList = List.of(args);
        if (argList.contains("-h") || argList.contains("--help")) {
            System.out.print(Settings.USAGE);
            return;
        }
        Settings settings;
        try {
            settings = Settings.parse(argList, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("bookinfo: " + e.getMessage());
            System.err.print(Settings.USAGE);
            System.exit(2);
            return;
        }
        Running running;
        try {
            running = start(settings);
        } catch (IOException e) {
            System.err.println("bookinfo: cannot listen on " + settings.bindHost() + ":" + settings.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(describe(settings, running.port()));
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Starts the service {@code settings} name; the caller closes it. */
    public static Running start(Settings settings) throws IOException {
        Upstream upstream = switch (settings.service()) {
            case PRODUCTPAGE, REVIEWS -> new Upstream(settings.proxy(), settings.upstreamTimeout());
            case DETAILS, RATINGS -> null;
        };
        HttpService.Handler handler = switch (settings.service()) {
            case PRODUCTPAGE -> new ProductPageService(settings, upstream);
            case DETAILS -> new DetailsService();
            case REVIEWS -> new ReviewsService(settings, upstream);
            case RATINGS -> new RatingsService(settings.version(), System::currentTimeMillis);
        };
        String name = settings.service().name().toLowerCase(java.util.Locale.ROOT);
        try {
            var server = HttpService.start(name, new InetSocketAddress(settings.bindHost(), settings.port()), handler,
                    settings.accessLog() ? System.out : null);
            return new Running(server, upstream);
        } catch (IOException | RuntimeException e) {
            if (upstream != null) {
                upstream.close();
            }
            throw e;
        }
    }

    static String describe(Settings settings, int port) {
        var out = new StringBuilder(settings.service().name().toLowerCase(java.util.Locale.ROOT))
                .append(' ').append(settings.version())
                .append(" listening on ").append(settings.bindHost()).append(':').append(port);
        switch (settings.service()) {
            case PRODUCTPAGE -> out.append("; details ").append(settings.details())
                    .append(", reviews ").append(settings.reviews())
                    .append(", ratings ").append(settings.ratings());
            case REVIEWS -> out.append(settings.ratingsEnabled()
                    ? "; ratings " + settings.ratings() + ", " + settings.starColor() + " stars"
                    : "; ratings off");
            default -> { }
        }
        if (settings.proxy() != null) {
            out.append("; via proxy ").append(settings.proxy().describe());
        }
        return out.toString();
    }
}
