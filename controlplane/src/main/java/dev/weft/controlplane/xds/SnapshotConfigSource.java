package dev.weft.controlplane.xds;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.translate.MeshSnapshot;
import dev.weft.controlplane.xds.translate.MeshTranslator;
import dev.weft.controlplane.xds.translate.ProxyResources;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The xDS server's {@link ProxyConfigSource}: translates the current {@link MeshSnapshot} for a
 * proxy once and answers the four type requests of one push (CDS, EDS, LDS, RDS) from that one
 * result.
 *
 * <p>The cache holds one result per proxy id, for the snapshot version and node it was computed
 * for: a newer snapshot or a reconnect with different metadata computes again. Concurrent requests
 * for the same proxy and version wait for one translation instead of running it twice. At most
 * {@code maxProxies} results are kept (least recently used go first), so proxies that left do not
 * hold memory forever.
 */
public final class SnapshotConfigSource implements ProxyConfigSource {
  private final Supplier<MeshSnapshot> snapshots;
  private final MeshTranslator translator;
  private final Map<String, Cached> cache;
  private final AtomicLong translations = new AtomicLong();

  private record Cached(long version, ProxyNode node, CompletableFuture<ProxyResources> result) {}

  public SnapshotConfigSource(Supplier<MeshSnapshot> snapshots, MeshTranslator translator, int maxProxies) {
    if (maxProxies < 1) {
      throw new IllegalArgumentException("maxProxies must be positive");
    }
    this.snapshots = Objects.requireNonNull(snapshots);
    this.translator = Objects.requireNonNull(translator);
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
        return size() > maxProxies;
      }
    };
  }

  @Override
  public Map<String, Any> resources(ProxyNode proxy, ResourceType type) {
    return translate(proxy).of(type);
  }

  /** All resources of a proxy for the current snapshot (cached). */
  public ProxyResources translate(ProxyNode proxy) {
    MeshSnapshot snapshot = snapshots.get();
    Cached entry;
    boolean mine = false;
    synchronized (cache) {
      entry = cache.get(proxy.id());
      // A newer result than our snapshot is as good (a change raced this read); an older one is not.
      if (entry == null || entry.version() < snapshot.version() || !entry.node().equals(proxy)) {
        entry = new Cached(snapshot.version(), proxy, new CompletableFuture<>());
        cache.put(proxy.id(), entry);
        mine = true;
      }
    }
    if (mine) {
      translations.incrementAndGet();
      try {
        entry.result().complete(Objects.requireNonNull(translator.translate(snapshot, proxy), "translator returned null"));
      } catch (RuntimeException e) {
        entry.result().completeExceptionally(e);
        forget(proxy.id(), entry); // the next push tries again
        throw e;
      }
    }
    try {
      return entry.result().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private void forget(String proxyId, Cached entry) {
    synchronized (cache) {
      cache.remove(proxyId, entry);
    }
  }

  /** How many translations ran (for tests and the benchmark). */
  public long translations() {
    return translations.get();
  }

  /** How many proxies' results are cached. */
  public int cached() {
    synchronized (cache) {
      return cache.size();
    }
  }
}
