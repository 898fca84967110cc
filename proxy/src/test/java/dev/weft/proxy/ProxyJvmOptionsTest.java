package dev.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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

    /** Every flag of the file is one this JDK accepts: a proxy JVM started with them runs. */
    @Test
    void aProxyJvmStartsWithTheFlags() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ProxyJvmOptions.defaults());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ProxyMain.class.getName(), "--help"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("usage: weft proxy");
        assertThat(p.exitValue()).as(output).isZero();
    }
}
