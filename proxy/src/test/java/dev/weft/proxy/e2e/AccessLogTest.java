package dev.weft.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.weft.proxy.config.ConversionException;
import dev.weft.proxy.config.ListenerConverter;
import dev.weft.proxy.config.ProxyLimits;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log: off by default, Envoy's default format when the HCM has a file access log. */
class AccessLogTest {

    private static HttpConnectionManager.Builder withFileLog(HttpConnectionManager.Builder hcm, Path file) {
        return hcm.addAccessLog(AccessLog.newBuilder().setName("envoy.access_loggers.file")
                .setTypedConfig(Any.pack(FileAccessLog.newBuilder().setPath(file.toString()).build())));
    }

    @Test
    void eachRequestIsOneLineInEnvoysDefaultFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (HardenedProxy edge = new HardenedProxy(ProxyLimits.DEFAULTS, hcm -> withFileLog(hcm, file))) {
            RawExchange.Result ok = RawExchange.send(edge.address(), ("GET /logged?x=1 HTTP/1.1\r\nHost: a.example.com\r\n"
                    + "User-Agent: raw/1.0\r\nX-Forwarded-For: 10.0.0.1\r\nX-Request-Id: req-1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), 30_000);
            assertThat(ok.statuses()).containsExactly(200);
            RawExchange.Result post = RawExchange.send(edge.address(), ("POST /in HTTP/1.1\r\nHost: b\r\n"
                    + "Content-Length: 5\r\nConnection: close\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII), 30_000);
            assertThat(post.statuses()).containsExactly(200);
            RawExchange.Result refused = RawExchange.send(edge.address(),
                    "GET / HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 30_000);
            assertThat(refused.statuses()).containsExactly(400);

            Await.until("three lines in the access log", HardenedProxy.WAIT, () -> lines(file).size() == 3);
            List<String> lines = lines(file);
            String upstream = "127.0.0.1:" + edge.backend.port();
            String time = "\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\] ";
            assertThat(lines.get(0)).matches(time + "\"GET /logged\\?x=1 HTTP/1.1\" 200 - 0 2 \\d+ \\d+ \"10.0.0.1\" "
                    + "\"raw/1.0\" \"req-1\" \"a.example.com\" \"" + upstream + "\"");
            // No x-request-id from the client: the one the proxy made for it (Envoy logs its own too).
            assertThat(lines.get(1)).matches(time + "\"POST /in HTTP/1.1\" 200 - 5 2 \\d+ \\d+ \"-\" \"-\" "
                    + "\"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\" \"b\" \"" + upstream + "\"");
            // Refused by the codec: nothing of the request is trusted, as Envoy logs a codec error.
            assertThat(lines.get(2)).matches(time + "\"- - -\" 400 DPE 0 \\d+ \\d+ - \"-\" \"-\" \"-\" \"-\" \"-\"");
            assertThat(edge.proxy.stats().get("access_log.file.written")).isEqualTo(3);
            assertThat(edge.proxy.stats().get("access_log.file.dropped")).isZero();
        }
    }

    @Test
    void offByDefault() throws Exception {
        try (HardenedProxy edge = new HardenedProxy(ProxyLimits.DEFAULTS, hcm -> hcm)) {
            assertThat(RawExchange.send(edge.address(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII), 30_000).statuses()).containsExactly(200);
            assertThat(edge.proxy.stats().snapshot()).doesNotContainKey("access_log.file.written");
        }
    }

    @Test
    void otherLoggersAndCustomFormatsAreRefusedNotIgnored() {
        Listener.Builder listener = Listener.newBuilder();
        try {
            listener.mergeFrom(Envoy.httpListener("l", 0, "r", hcm -> hcm.addAccessLog(AccessLog.newBuilder()
                    .setName("envoy.access_loggers.stdout")
                    .setTypedConfig(Any.pack(StdoutAccessLog.getDefaultInstance())))).unpack(Listener.class));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> ListenerConverter.convert(listener.build())).isInstanceOf(ConversionException.class)
                .hasMessageContaining("filter_chains[0].filters[0].typed_config.access_log[0]: only "
                        + "envoy.access_loggers.file is supported by weft-proxy");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
