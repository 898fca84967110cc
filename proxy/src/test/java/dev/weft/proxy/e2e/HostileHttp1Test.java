package dev.weft.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.weft.proxy.config.ProxyLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile HTTP/1.1 corpus ({@code src/test/resources/hostile/*.http}) written as raw bytes to a
 * real proxy in front of a real upstream that records what reaches it. Each case says the statuses
 * it must get ({@code # expect: 400}, or {@code 200 400} for a good request followed by a bad one)
 * and how many requests the upstream may see ({@code # upstream: none} means not one byte). Every
 * case must end with the proxy closing the connection, and leave no connection open behind.
 *
 * <p>File format: lines starting with {@code #} first, then the request; the file's own line breaks
 * are not part of it. Escapes: {@code \r \n \t \\ \xHH}; {@code {{N*text}}} repeats text N times.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileHttp1Test {

    private HardenedProxy edge;

    record Case(String name, List<Integer> expect, int upstreamRequests, String why, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void start() throws IOException {
        // Short timeouts so the slow cases end quickly; everything else at its default.
        edge = new HardenedProxy(ProxyLimits.DEFAULTS, hcm -> hcm
                .setRequestHeadersTimeout(Duration.newBuilder().setSeconds(2))
                .setRequestTimeout(Duration.newBuilder().setSeconds(3)));
    }

    @AfterAll
    void stop() throws IOException {
        if (edge != null) {
            edge.close();
        }
    }

    static Stream<Case> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(HostileHttp1Test.class.getResource("/hostile").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".http")).sorted().map(HostileHttp1Test::read).toList()
                    .stream();
        }
    }

    @Test
    void theCorpusHasAtLeastFortyHostileCases() throws Exception {
        assertThat(corpus().filter(c -> c.upstreamRequests() == 0)).hasSizeGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachHostileRequestGetsItsStatusAndAClosedConnectionAndNothingReachesTheUpstream(Case hostile)
            throws IOException {
        edge.backend.reset();
        RawExchange.Result result = RawExchange.send(edge.address(), hostile.bytes(), 30_000);

        assertThat(result.statuses()).as(hostile.why()).isEqualTo(hostile.expect());
        assertThat(result.closed()).as("connection closed after: " + hostile.why()).isTrue();
        assertThat(result.responses().getLast().headers().get("connection")).isEqualTo("close");
        Await.until("the proxy's downstream connections back to 0", HardenedProxy.WAIT,
                () -> edge.proxy.downstreamConnections() == 0);
        assertThat(edge.backend.requests).as("requests that reached the upstream").hasSize(hostile.upstreamRequests());
        if (hostile.upstreamRequests() == 0) {
            assertThat(edge.backend.bytes.get()).as("bytes that reached the upstream").isZero();
        }
    }

    private static Case read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            List<Integer> expect = null;
            int upstream = -1;
            String why = "";
            StringBuilder request = new StringBuilder();
            for (String line : text.split("\n", -1)) {
                if (request.isEmpty() && line.startsWith("# expect:")) {
                    expect = Arrays.stream(line.substring(9).strip().split(" +")).map(Integer::valueOf).toList();
                } else if (request.isEmpty() && line.startsWith("# upstream:")) {
                    String value = line.substring(11).strip();
                    upstream = value.equals("none") ? 0 : Integer.parseInt(value);
                } else if (request.isEmpty() && line.startsWith("# why:")) {
                    why = line.substring(6).strip();
                } else if (!(request.isEmpty() && line.startsWith("#"))) {
                    request.append(line);
                }
            }
            if (expect == null || upstream < 0) {
                throw new IllegalArgumentException(file + ": needs '# expect:' and '# upstream:' lines");
            }
            String name = file.getFileName().toString().replace(".http", "");
            return new Case(name, expect, upstream, name + ": " + why, unescape(expand(request.toString())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Pattern REPEAT = Pattern.compile("\\{\\{(\\d+)\\*((?:(?!\\{\\{|\\}\\}).)*)\\}\\}");

    /** {{N*text}}, innermost first. */
    static String expand(String text) {
        while (true) {
            Matcher m = REPEAT.matcher(text);
            if (!m.find()) {
                return text;
            }
            text = text.substring(0, m.start()) + m.group(2).repeat(Integer.parseInt(m.group(1)))
                    + text.substring(m.end());
        }
    }

    static byte[] unescape(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.write(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + next);
            }
        }
        return out.toByteArray();
    }
}
