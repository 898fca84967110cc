package dev.weft.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.ProxyJvmOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaLauncherTest {

  /** weft up's sidecars and gateway run the proxy's own flags (its one home, local-mesh profile), not the supervisor's. */
  @Test
  void proxiesRunTheProxysJvmFlags() {
    List<String> command = JavaLauncher.proxy(Path.of("bootstrap.json"), false);
    int main = command.indexOf("dev.weft.proxy.ProxyMain");
    assertThat(main).isPositive();
    assertThat(command.subList(1, main)).containsSubsequence(ProxyJvmOptions.current(ProxyJvmOptions.Profile.LOCAL_MESH));
    assertThat(command).contains("-XX:TieredStopAtLevel=1");
    assertThat(command.subList(main, command.size())).containsExactly("dev.weft.proxy.ProxyMain", "--bootstrap", "bootstrap.json");
  }

  @Test
  void otherProcessesKeepTheLauncherFlags() {
    List<String> command = JavaLauncher.weft(List.of("version"));
    assertThat(command).containsSubsequence(JavaLauncher.FLAGS);
  }
}
