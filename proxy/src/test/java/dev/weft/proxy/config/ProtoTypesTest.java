package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoTypesTest {

    /** The name read off the Java class is the descriptor's, for every type the proxy unpacks (and nested ones). */
    @Test
    void namesAreTheDescriptorsFullNames() {
        List<Class<? extends Message>> types = List.of(Listener.class, Cluster.class, ClusterLoadAssignment.class,
                RouteConfiguration.class, VirtualHost.class, Secret.class, HttpConnectionManager.class, HTTPFault.class,
                FileAccessLog.class, Cluster.LbSubsetConfig.LbSubsetSelector.class, com.google.protobuf.Duration.class);
        for (Class<? extends Message> type : types) {
            String expected = com.google.protobuf.Internal.getDefaultInstance(type).getDescriptorForType().getFullName();
            assertThat(ProtoTypes.fullName(type)).as(type.getName()).isEqualTo(expected);
            assertThat(ProtoTypes.typeUrl(type)).isEqualTo("type.googleapis.com/" + expected);
        }
    }

    @Test
    void unpacksAsAnyUnpackDoes() throws InvalidProtocolBufferException {
        Cluster cluster = Cluster.newBuilder().setName("outbound|9080||reviews.default.svc.cluster.local")
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(10)).build();
        Any any = Any.pack(cluster);
        assertThat(ProtoTypes.unpack(any, Cluster.class)).isEqualTo(cluster).isEqualTo(any.unpack(Cluster.class));
        // Any host part before the last '/' names the same type, as in protobuf's Any.
        Any otherHost = any.toBuilder().setTypeUrl("example.com/x/envoy.config.cluster.v3.Cluster").build();
        assertThat(ProtoTypes.unpack(otherHost, Cluster.class)).isEqualTo(cluster);
        assertThatThrownBy(() -> ProtoTypes.unpack(any, Listener.class))
                .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("does not match");
        Any garbage = any.toBuilder().setValue(com.google.protobuf.ByteString.copyFromUtf8("\u00ff\u00ff\u00ff")).build();
        assertThatThrownBy(() -> ProtoTypes.unpack(garbage, Cluster.class))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }
}
