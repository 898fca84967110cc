package dev.weft.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import org.junit.jupiter.api.Test;

class EnvoyJsonTest {

    @Test
    void nestedTypedConfigsAreExpanded() {
        String json = EnvoyJson.print(DiscoveryResponse.newBuilder()
                .addResources(apiListener("greeter", "greeter-routes"))
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

    /** A proxyless gRPC listener: a Listener nesting an HCM that nests a Router, three levels of Any. */
    private static Any apiListener(String name, String routeConfig) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setRds(Rds.newBuilder().setRouteConfigName(routeConfig))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return Any.pack(Listener.newBuilder().setName(name)
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build());
    }
}
