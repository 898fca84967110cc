package dev.weft.controlplane.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import org.junit.jupiter.api.Test;

class EnvoyJsonTest {

    @Test
    void nestedTypedConfigsAreExpanded() {
        String json = EnvoyJson.print(DiscoveryResponse.newBuilder()
                .addResources(TestResources.apiListener("greeter", "greeter-routes"))
                .build());
        assertThat(json)
                .contains("\"@type\": \"type.googleapis.com/envoy.config.listener.v3.Listener\"")
                .contains("\"@type\": \"type.googleapis.com/envoy.extensions.filters.network."
                        + "http_connection_manager.v3.HttpConnectionManager\"")
                .contains("\"routeConfigName\": \"greeter-routes\"")
                .contains("\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.router.v3.Router\"");
    }

    @Test
    void anUnknownTypeIsReportedNotThrown() {
        String json = EnvoyJson.print(DiscoveryResponse.newBuilder()
                .addResources(Any.newBuilder().setTypeUrl("type.googleapis.com/acme.Unknown")
                        .setValue(ByteString.copyFromUtf8("x")))
                .build());
        assertThat(json).startsWith("{\"error\": \"cannot print as JSON: ").contains("acme.Unknown");
    }
}
