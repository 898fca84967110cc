package dev.weft.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GrpcTest {

    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(nameValues[i], nameValues[i + 1]);
        }
        return headers;
    }

    @Test
    void grpcContentTypesAsEnvoyReadsThem() {
        assertThat(Grpc.isGrpc(headers("content-type", "application/grpc"))).isTrue();
        assertThat(Grpc.isGrpc(headers("content-type", "application/grpc+proto"))).isTrue();
        assertThat(Grpc.isGrpc(headers("content-type", "application/grpc-web"))).isFalse();
        assertThat(Grpc.isGrpc(headers("content-type", "application/json"))).isFalse();
        assertThat(Grpc.isGrpc(headers())).isFalse();
    }

    @Test
    void grpcTimeoutHeaderUnitsAndMalformedValues() {
        assertThat(Grpc.timeout(headers("grpc-timeout", "250m"))).contains(Duration.ofMillis(250));
        assertThat(Grpc.timeout(headers("grpc-timeout", "2S"))).contains(Duration.ofSeconds(2));
        assertThat(Grpc.timeout(headers("grpc-timeout", "1H"))).contains(Duration.ofHours(1));
        assertThat(Grpc.timeout(headers("grpc-timeout", "99999999u"))).contains(Duration.ofNanos(99_999_999_000L));
        assertThat(Grpc.timeout(headers("grpc-timeout", "123456789S"))).isEmpty(); // 9 digits
        assertThat(Grpc.timeout(headers("grpc-timeout", "10x"))).isEmpty();
        assertThat(Grpc.timeout(headers("grpc-timeout", "-1S"))).isEmpty();
        assertThat(Grpc.timeout(headers("grpc-timeout", "S"))).isEmpty();
    }

    @Test
    void routeTimeoutFollowsEnvoysRules() {
        HttpHeaders grpc = headers("content-type", "application/grpc", "grpc-timeout", "2S");
        HttpHeaders grpcNoTimeout = headers("content-type", "application/grpc");
        Duration route = Duration.ofSeconds(15);
        // No grpc_timeout_header_max: the route's timeout.
        assertThat(Grpc.routeTimeout(grpc, route, Optional.empty())).isEqualTo(route);
        // Max 0 (Istio's default): the header as it is; no header, no timeout.
        assertThat(Grpc.routeTimeout(grpc, route, Optional.of(Duration.ZERO))).isEqualTo(Duration.ofSeconds(2));
        assertThat(Grpc.routeTimeout(grpcNoTimeout, route, Optional.of(Duration.ZERO))).isEqualTo(Duration.ZERO);
        // A maximum caps the header, and stands in for a missing one.
        assertThat(Grpc.routeTimeout(grpc, route, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Grpc.routeTimeout(grpcNoTimeout, route, Optional.of(Duration.ofSeconds(1))))
                .isEqualTo(Duration.ofSeconds(1));
        // Not gRPC: the route's timeout.
        assertThat(Grpc.routeTimeout(headers("grpc-timeout", "2S"), route, Optional.of(Duration.ZERO))).isEqualTo(route);
    }

    @Test
    void localRepliesMapHttpStatusesAndPercentEncodeTheMessage() {
        assertThat(Grpc.statusFor(404)).isEqualTo(12);
        assertThat(Grpc.statusFor(503)).isEqualTo(14);
        assertThat(Grpc.statusFor(504)).isEqualTo(14);
        assertThat(Grpc.statusFor(500)).isEqualTo(2);
        var reply = Grpc.localReply(503, "no healthy upstream: 100% down\n");
        assertThat(reply.status().code()).isEqualTo(200);
        assertThat(reply.headers().get("grpc-status")).isEqualTo("14");
        assertThat(reply.headers().get("grpc-message")).isEqualTo("no healthy upstream: 100%25 down%0A");
        assertThat(reply.content().readableBytes()).isZero();
        assertThat(Grpc.localReply(404, "").headers().contains("grpc-message")).isFalse();
    }
}
