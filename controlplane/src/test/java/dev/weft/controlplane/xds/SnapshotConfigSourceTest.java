package dev.weft.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import dev.weft.config.model.ConfigSet;
import dev.weft.controlplane.xds.translate.MeshSettings;
import dev.weft.controlplane.xds.translate.MeshSnapshot;
import dev.weft.controlplane.xds.translate.MeshTranslator;
import dev.weft.controlplane.xds.translate.ProxyResources;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SnapshotConfigSourceTest {
  private final AtomicReference<MeshSnapshot> current = new AtomicReference<>(snapshot(1));
  private final AtomicInteger translations = new AtomicInteger();
  /** Gives each proxy one cluster-typed resource naming the snapshot version it was made from. */
  private final MeshTranslator translator = (snapshot, proxy) -> {
    translations.incrementAndGet();
    Any marker = Any.pack(StringValue.of(proxy.id() + "@" + snapshot.version()));
    return new ProxyResources(Map.of(ResourceType.CLUSTER, Map.of("c", marker), ResourceType.LISTENER, Map.of("l", marker)));
  };

  private static MeshSnapshot snapshot(long version) {
    return new MeshSnapshot(version, ConfigSet.empty(), List.of(), Map.of(), MeshSettings.DEFAULT);
  }

  private static ProxyNode proxy(String id) {
    return ProxyNode.of(Node.newBuilder().setId(id).build());
  }

  private static String marker(Map<String, Any> resources, String name) throws Exception {
    return resources.get(name).unpack(StringValue.class).getValue();
  }

  @Test
  void theTypesOfOnePushTranslateOnceAndANewSnapshotTranslatesAgain() throws Exception {
    SnapshotConfigSource source = new SnapshotConfigSource(current::get, translator, 100);
    ProxyNode a = proxy("a");
    for (ResourceType type : ResourceType.values()) {
      source.resources(a, type);
    }
    assertThat(translations).hasValue(1);
    assertThat(marker(source.resources(a, ResourceType.CLUSTER), "c")).isEqualTo("a@1");
    assertThat(source.resources(a, ResourceType.ROUTE)).isEmpty();

    current.set(snapshot(2));
    assertThat(marker(source.resources(a, ResourceType.LISTENER), "l")).isEqualTo("a@2");
    source.resources(a, ResourceType.CLUSTER);
    assertThat(translations).hasValue(2);

    source.resources(proxy("b"), ResourceType.CLUSTER);
    assertThat(translations).hasValue(3);
    assertThat(source.translations()).isEqualTo(3);
  }

  @Test
  void aReconnectWithOtherMetadataTranslatesAgain() {
    SnapshotConfigSource source = new SnapshotConfigSource(current::get, translator, 100);
    source.resources(proxy("a"), ResourceType.CLUSTER);
    source.resources(ProxyNode.of(Node.newBuilder().setId("a").setCluster("moved").build()), ResourceType.CLUSTER);
    assertThat(translations).hasValue(2);
  }

  @Test
  void theCacheIsBoundedLeastRecentlyUsedFirst() {
    SnapshotConfigSource source = new SnapshotConfigSource(current::get, translator, 2);
    source.resources(proxy("a"), ResourceType.CLUSTER);
    source.resources(proxy("b"), ResourceType.CLUSTER);
    source.resources(proxy("a"), ResourceType.LISTENER); // a is now the most recent
    source.resources(proxy("c"), ResourceType.CLUSTER); // b goes
    assertThat(source.cached()).isEqualTo(2);
    assertThat(translations).hasValue(3);
    source.resources(proxy("a"), ResourceType.CLUSTER);
    assertThat(translations).hasValue(3);
    source.resources(proxy("b"), ResourceType.CLUSTER);
    assertThat(translations).hasValue(4);
  }

  @Test
  void concurrentRequestsForOneProxyWaitForOneTranslation() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MeshTranslator slow = (snapshot, proxy) -> {
      translations.incrementAndGet();
      inside.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return translator.translate(snapshot, proxy);
    };
    SnapshotConfigSource source = new SnapshotConfigSource(current::get, slow, 10);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<Map<String, Any>> first = pool.submit(() -> source.resources(proxy("a"), ResourceType.CLUSTER));
      assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
      List<Future<Map<String, Any>>> others = List.of(
          pool.submit(() -> source.resources(proxy("a"), ResourceType.LISTENER)),
          pool.submit(() -> source.resources(proxy("a"), ResourceType.CLUSTER)));
      Thread.sleep(50);
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).containsKey("c");
      for (Future<Map<String, Any>> f : others) {
        assertThat(f.get(5, TimeUnit.SECONDS)).hasSize(1);
      }
      // The slow translator ran once; the inner one it delegates to counts too.
      assertThat(translations).hasValue(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedTranslationIsNotCachedSoTheNextPushTriesAgain() {
    AtomicInteger attempts = new AtomicInteger();
    MeshTranslator flaky = (snapshot, proxy) -> {
      if (attempts.incrementAndGet() == 1) {
        throw new IllegalStateException("bug");
      }
      return translator.translate(snapshot, proxy);
    };
    SnapshotConfigSource source = new SnapshotConfigSource(current::get, flaky, 10);
    assertThatThrownBy(() -> source.resources(proxy("a"), ResourceType.CLUSTER)).isInstanceOf(IllegalStateException.class)
        .hasMessage("bug");
    assertThat(source.resources(proxy("a"), ResourceType.CLUSTER)).containsKey("c");
    assertThat(attempts).hasValue(2);
  }
}
