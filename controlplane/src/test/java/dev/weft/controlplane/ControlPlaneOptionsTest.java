package dev.weft.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.controlplane.xds.server.XdsServerOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane's options reach the servers it starts (weftd's flags are these). */
class ControlPlaneOptionsTest {

    @Test
    void theVhdsThresholdReachesTheXdsServer(@TempDir Path dir) throws Exception {
        try (ControlPlane cp = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("a")).withEphemeralPorts())) {
            assertThat(cp.xds().options().vhdsMinVirtualHosts()).isEqualTo(XdsServerOptions.DEFAULT_VHDS_MIN_VIRTUAL_HOSTS);
        }
        try (ControlPlane cp = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("b")).withEphemeralPorts()
                .withVhdsMinVirtualHosts(0))) {
            assertThat(cp.xds().options().vhdsMinVirtualHosts()).isZero();
        }
    }

    @Test
    void aNegativeVhdsThresholdIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> ControlPlane.Options.defaults(dir).withVhdsMinVirtualHosts(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vhdsMinVirtualHosts");
    }
}
