package dev.weft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The xDS push benchmark end to end at a tiny size (20 services, 10 simulated proxies, 2 changes),
 * once per protocol: the harness itself breaks silently otherwise (a status shape change once made
 * the SotW run fail only after its full push). Checks what it reports, not how fast.
 */
class XdsPushBenchmarkSmokeTest {

    @ParameterizedTest
    @ValueSource(strings = {"sotw", "delta"})
    void aSmallRunReportsEveryChangeReachingEveryClient(String protocol, @TempDir Path out) throws Exception {
        XdsPushBenchmark.main(new String[] {"--services", "20", "--endpoints-per-service", "2", "--clients", "10",
                "--clients-per-channel", "5", "--iterations", "2", "--out", out.toString(), "--protocol", protocol,
                "--label", "smoke"});
        Path json;
        try (Stream<Path> files = Files.list(out)) {
            json = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.get("pushes")).hasSize(2);
        r.get("pushes").forEach(push -> assertThat(push.get("clientsUpdated").asInt()).isEqualTo(10));
        assertThat(r.get("resourcesPerClient").asLong()).isPositive();
        assertThat(r.get("routeBytesPerClient").asLong()).isPositive();
    }
}
