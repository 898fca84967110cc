package dev.weft.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --transparent}'s bookkeeping without root: the subnet choice and teardown from network.json (the network itself: e2e). */
class TransparentNetworkTest {

  @Test
  void teardownOfWhatIsAlreadyGoneRemovesTheRecord(@TempDir Path run) throws Exception {
    Files.writeString(TransparentNetwork.file(run), """
        {"run": "0abc", "subnet": "10.201.3.0/24", "created": [
          {"kind": "link", "name": "weftbr0abc", "args": []},
          {"kind": "rule", "name": "weftbr0abc", "args": ["FORWARD", "-i", "weftbr0abc", "-o", "weftbr0abc", "-j", "ACCEPT"]},
          {"kind": "netns", "name": "weft-0abc-details-v1", "args": []},
          {"kind": "hosts", "name": "weft-0abc-details-v1", "args": []},
          {"kind": "link", "name": "weft0abch2", "args": []}]}
        """);
    assertThat(TransparentNetwork.teardown(run)).isEmpty();
    assertThat(TransparentNetwork.file(run)).doesNotExist();
  }

  @Test
  void teardownTouchesOnlyNamesWeftMakes(@TempDir Path run) throws Exception {
    Files.writeString(TransparentNetwork.file(run), """
        {"run": "0abc", "subnet": "10.201.3.0/24", "created": [
          {"kind": "netns", "name": "default", "args": []},
          {"kind": "hosts", "name": "../../etc", "args": []},
          {"kind": "link", "name": "eth0", "args": []}]}
        """);
    assertThat(TransparentNetwork.teardown(run)).hasSize(3).allMatch(l -> l.contains("not a name weft makes"));
    assertThat(TransparentNetwork.file(run)).exists(); // kept: weft down says what it could not remove
  }

  @Test
  void refusalSaysWhatIsMissingInOneLine() {
    assertThat(TransparentNetwork.unsupported("Mac OS X", true, t -> true)).startsWith("--transparent needs Linux").doesNotContain("\n");
    assertThat(TransparentNetwork.unsupported("Linux", false, t -> true)).startsWith("--transparent needs root").doesNotContain("\n");
    assertThat(TransparentNetwork.unsupported("Linux", true, t -> !t.equals("iptables")))
        .isEqualTo("--transparent needs `iptables` on the PATH (Debian: apt-get install -y iproute2 iptables util-linux)");
    assertThat(TransparentNetwork.unsupported("Linux", true, t -> true)).isNull();
  }

  @Test
  void noRecordNothingToDo(@TempDir Path run) {
    assertThat(TransparentNetwork.teardown(run)).isEmpty();
  }

  @Test
  void subnetIsASlash24ThatNoRouteOverlaps() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")),
        "needs the ip command (iproute2)");
    int auto = TransparentNetwork.chooseSubnet("auto");
    assertThat(TransparentNetwork.text(auto)).matches("10\\.\\d+\\.\\d+\\.0");
    assertThat(TransparentNetwork.text(TransparentNetwork.chooseSubnet(TransparentNetwork.text(auto) + "/24"))).isEqualTo(TransparentNetwork.text(auto));
    assertThatThrownBy(() -> TransparentNetwork.chooseSubnet("10.201.0.0/16")).hasMessageContaining("must be a /24");
    assertThatThrownBy(() -> TransparentNetwork.chooseSubnet("127.0.0.0/24")).hasMessageContaining("overlaps a route or address");
    assertThatThrownBy(() -> TransparentNetwork.chooseSubnet("10.300.1.0/24")).hasMessageContaining("not an IPv4 CIDR");
  }
}
