package dev.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProxyJvmOptionsTest {

    @Test
    void commentsAndBlankLinesAreSkipped() {
        assertThat(ProxyJvmOptions.parse("# heading\n\n-Xmx32m   # the heap\n  -XX:+UseSerialGC\r\n#-Xss1m\n"))
                .containsExactly("-Xmx32m", "-XX:+UseSerialGC");
    }

    @Test
    void theFileSetsHeapAndCollector() {
        assertThat(ProxyJvmOptions.defaults()).anyMatch(f -> f.startsWith("-Xmx")).anyMatch(f -> f.endsWith("GC"));
    }

    @Test
    void overridesComeLastSoTheyWin() {
        List<String> flags = ProxyJvmOptions.withOverrides("  -Xmx64m -XX:+UseG1GC ");
        assertThat(flags).startsWith(ProxyJvmOptions.defaults().toArray(String[]::new)).endsWith("-Xmx64m", "-XX:+UseG1GC");
        assertThat(ProxyJvmOptions.withOverrides(" ")).isEqualTo(ProxyJvmOptions.defaults());
    }

    /** A profile names only what it changes: its file's flags go after the base file's, so they win. */
    @Test
    void theLocalMeshProfileGoesAfterTheBaseFlags() {
        List<String> base = ProxyJvmOptions.defaults();
        List<String> local = ProxyJvmOptions.defaults(ProxyJvmOptions.Profile.LOCAL_MESH);
        assertThat(local).startsWith(base.toArray(String[]::new)).hasSizeGreaterThan(base.size());
        assertThat(local.subList(base.size(), local.size())).contains("-XX:TieredStopAtLevel=1");
        assertThat(ProxyJvmOptions.defaults(ProxyJvmOptions.Profile.DEFAULT)).isEqualTo(base);
        assertThat(ProxyJvmOptions.withOverrides(ProxyJvmOptions.Profile.LOCAL_MESH, "-Xmx32m")).endsWith("-Xmx32m");
    }

    /** Every flag of each profile is one this JDK accepts: a proxy JVM started with them runs. */
    @ParameterizedTest
    @EnumSource(ProxyJvmOptions.Profile.class)
    void aProxyJvmStartsWithTheFlags(ProxyJvmOptions.Profile profile) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ProxyJvmOptions.defaults(profile));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ProxyMain.class.getName(), "--help"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("usage: weft proxy");
        assertThat(p.exitValue()).as(output).isZero();
    }
}
