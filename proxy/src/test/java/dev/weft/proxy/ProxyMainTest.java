package dev.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ProxyMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("weft proxy: --bootstrap FILE or --node-id ID is required" + System.lineSeparator());
    }

    @Test
    void aBadBootstrapFileIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, "node: {id: p1}\nadmin: {address: '127.0.0.1:x'}\n");
        assertThat(run("--bootstrap", file.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("weft proxy: " + file
                + ": admin.address: port must be 0-65535, not 'x'" + System.lineSeparator());
    }

    @Test
    void flagsOverrideTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, "node: {id: p1}\nxds: {address: '10.0.0.1:15010'}\n");
        var bootstrap = ProxyMain.resolve(file.toString(), null, "127.0.0.1:16010", ":0");
        assertThat(bootstrap.nodeId()).isEqualTo("p1");
        assertThat(bootstrap.xdsHost()).isEqualTo("127.0.0.1");
        assertThat(bootstrap.xdsPort()).isEqualTo(16010);
        assertThat(bootstrap.adminHost()).isEqualTo("127.0.0.1");
        assertThat(bootstrap.adminPort()).isZero();
    }
}
