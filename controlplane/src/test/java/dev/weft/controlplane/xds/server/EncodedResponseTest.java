package dev.weft.controlplane.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EncodedResponseTest {

    private static final DiscoveryResponse SHARED = DiscoveryResponse.newBuilder()
            .setVersionInfo("v1")
            .setTypeUrl("type.googleapis.com/envoy.config.route.v3.RouteConfiguration")
            .addResources(TestResources.route("8080", "reviews", "outbound|9080||reviews"))
            .addResources(TestResources.route("9090", "ratings", "outbound|9080||ratings"))
            .setControlPlane(SotwConnection.CONTROL_PLANE)
            .build();

    @Test
    void theClientReadsTheSharedResponseWithThisStreamsNonce() throws IOException {
        byte[] body = EncodedResponse.encode(SHARED);
        for (String nonce : new String[] {"1", "zz9", "a-much-longer-nonce-" + "x".repeat(200)}) {
            InputStream wire = EncodedResponse.MARSHALLER.stream(new EncodedResponse(body, nonce));
            assertThat(DiscoveryResponse.parseFrom(wire)).isEqualTo(SHARED.toBuilder().setNonce(nonce).build());
        }
        assertThat(body).as("the shared bytes are not touched by a stream").isEqualTo(SHARED.toByteArray());
    }

    @Test
    void drainingAndReadingGiveTheSameBytesAndLength() throws IOException {
        byte[] body = EncodedResponse.encode(SHARED);
        byte[] expected = SHARED.toBuilder().setNonce("n42").build().toByteArray();

        InputStream drained = EncodedResponse.MARSHALLER.stream(new EncodedResponse(body, "n42"));
        assertThat(drained.available()).isEqualTo(expected.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(((io.grpc.Drainable) drained).drainTo(out)).isEqualTo(expected.length);
        assertThat(drained.available()).isZero();
        assertThat(drained.read()).isEqualTo(-1);

        // Small reads that cross from the shared body into the nonce.
        InputStream read = EncodedResponse.MARSHALLER.stream(new EncodedResponse(body, "n42"));
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        pieces.write(read.read());
        byte[] buffer = new byte[7];
        int n;
        while ((n = read.read(buffer, 0, buffer.length)) > 0) {
            pieces.write(buffer, 0, n);
        }
        assertThat(n).isEqualTo(-1);

        // Field order differs from a fresh encoding (nonce last), the message does not.
        assertThat(DiscoveryResponse.parseFrom(out.toByteArray())).isEqualTo(DiscoveryResponse.parseFrom(expected));
        assertThat(pieces.toByteArray()).isEqualTo(out.toByteArray());
        assertThat(Arrays.copyOf(out.toByteArray(), body.length)).isEqualTo(body);
    }

    @Test
    void aSharedPartCarryingANonceIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EncodedResponse.encode(SHARED.toBuilder().setNonce("7").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
