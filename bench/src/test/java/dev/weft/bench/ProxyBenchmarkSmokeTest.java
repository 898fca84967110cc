package dev.weft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.bench.proxy.ProxyBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy benchmark (issue 4's harness, {@code bench/proxy-bench.sh}) end to end at a tiny size:
 * the direct row and one Weft proxy (a real {@code weft proxy} JVM fed by an in-process control
 * plane) for a second each, so that a change to the harness or to how it starts the proxy cannot
 * break it silently. Checks the report's shape and that each figure was measured, not how fast.
 * Needs nginx (the backend) and wrk, which {@code proxy-bench.sh} installs; skips without them.
 */
class ProxyBenchmarkSmokeTest {

    @Test
    void aTinyRunReportsEveryFigureForTheDirectAndTheOneProxyRows(@TempDir Path out) throws Exception {
        for (String tool : List.of("nginx", "wrk")) {
            Assumptions.assumeTrue(Stream.of("/usr/sbin/", "/usr/bin/").anyMatch(dir -> Files.isExecutable(Path.of(dir + tool))),
                    tool + " is not installed (bench/proxy-bench.sh installs it); skipping the proxy benchmark smoke test");
        }
        ProxyBenchmark.main(new String[] {"--rows", "direct,weft-1", "--wrk-seconds", "1", "--warmup-seconds", "1",
                "--latency-seconds", "1", "--rate", "200", "--rate-warmup-seconds", "0", "--connections", "4",
                "--out", out.toString()});
        Path json;
        try (Stream<Path> files = Files.list(out)) {
            json = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
        List<String> names = new ArrayList<>();
        for (JsonNode row : new ObjectMapper().readTree(json.toFile())) {
            names.add(row.get("name").asText());
            assertThat(row.get("rps").asDouble()).as(row.toString()).isPositive();
            for (String latency : List.of("p50_ms", "p90_ms", "p99_ms", "p999_ms")) {
                assertThat(row.get(latency).asDouble()).as(latency + " of " + row).isPositive();
            }
            if (row.get("name").asText().equals("weft-1")) {
                assertThat(row.get("cpu_s_per_1k").asDouble()).as(row.toString()).isPositive();
                assertThat(row.get("rss_mb").asDouble()).as(row.toString()).isPositive();
            }
        }
        assertThat(names).containsExactly("direct", "weft-1");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(name -> name.endsWith(".md"));
        }
    }
}
