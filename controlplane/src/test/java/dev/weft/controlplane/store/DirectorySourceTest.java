package dev.weft.controlplane.store;

import static dev.weft.controlplane.testing.Yaml.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.model.Kind;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.controlplane.testing.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectorySourceTest {
  private static final ResourceKey GW_A = new ResourceKey(Kind.GATEWAY, "default", "a");
  private static final ResourceKey GW_B = new ResourceKey(Kind.GATEWAY, "default", "b");
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private final ConfigStore store = ConfigStore.inMemory();

  private static int port(ConfigStore store, ResourceKey key) {
    return store.get(key).map(r -> r.resource().as(Gateway.class).spec().servers().getFirst().port().number()).orElse(-1);
  }

  /** Follows edits live: through the WatchService, and through polling alone (long vs short poll interval). */
  @ParameterizedTest
  @ValueSource(longs = {60_000, 100})
  void editsTakeEffectLiveAndAnInvalidEditKeepsThePreviousVersion(long pollMillis) throws IOException {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, gateway("a", 80));
    try (DirectorySource source = new DirectorySource(store, dir, "default", Duration.ofMillis(pollMillis))) {
      source.start();
      assertThat(port(store, GW_A)).isEqualTo(80); // the first scan is done before start returns

      Files.writeString(file, gateway("a", 81) + "---\n" + gateway("b", 82));
      Wait.until("the edit to be applied", TIMEOUT, () -> port(store, GW_A) == 81 && port(store, GW_B) == 82);

      Files.writeString(file, gateway("a", 70000));
      Wait.until("the invalid edit to be reported", TIMEOUT, () -> source.problems().containsKey(file));
      assertThat(source.problems().get(file)).extracting(Diagnostic::format)
          .containsExactly(file + ":13: Gateway default/a: spec.servers[0].port.number: port must be 1..65535, got 70000");
      assertThat(port(store, GW_A)).isEqualTo(81);
      assertThat(port(store, GW_B)).isEqualTo(82);

      Files.writeString(file, gateway("a", 83)); // fixed; b no longer defined here
      Wait.until("the fix to be applied", TIMEOUT, () -> port(store, GW_A) == 83 && store.get(GW_B).isEmpty());
      assertThat(source.problems()).isEmpty();

      Path sub = Files.createDirectories(dir.resolve("team"));
      Files.writeString(sub.resolve("b.yaml"), gateway("b", 84));
      Wait.until("a file in a new subdirectory", TIMEOUT, () -> port(store, GW_B) == 84);

      Files.delete(file);
      Wait.until("the removed file's resources to go", TIMEOUT, () -> store.get(GW_A).isEmpty());
      assertThat(port(store, GW_B)).isEqualTo(84);
    }
  }

  @Test
  void aResourceMovedToAnotherFileStays() throws IOException {
    Files.writeString(dir.resolve("one.yaml"), gateway("a", 80));
    try (DirectorySource source = new DirectorySource(store, dir, "default", Duration.ofMinutes(1))) {
      source.start();
      Files.writeString(dir.resolve("two.yaml"), gateway("a", 80));
      Files.delete(dir.resolve("one.yaml"));
      source.scan();
      assertThat(store.get(GW_A)).isPresent();
    }
  }
}
