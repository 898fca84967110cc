package dev.weft.controlplane;

import dev.weft.config.diag.Diagnostic;
import dev.weft.controlplane.api.AdminServer;
import dev.weft.controlplane.registry.AggregateRegistry;
import dev.weft.controlplane.registry.ConfigRegistry;
import dev.weft.controlplane.registry.ServiceRegistry;
import dev.weft.controlplane.registry.WorkloadRegistry;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.store.DirectorySource;
import dev.weft.controlplane.xds.MeshState;
import dev.weft.controlplane.xds.SnapshotConfigSource;
import dev.weft.controlplane.xds.Translation;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.controlplane.xds.translate.MeshSettings;
import dev.weft.controlplane.xds.translate.MeshTranslator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * weftd: the config store, the service registry, the xDS server and the admin API, started and
 * stopped together. xDS serving sits on the store's watchers and the registry's listeners
 * ({@link MeshState}).
 */
public final class ControlPlane implements AutoCloseable {
  /** Bound on cached translations: one per proxy, least recently used dropped beyond this. */
  private static final int MAX_CACHED_PROXIES = 20_000;

  /**
   * @param configDir a directory of YAML to follow, or null
   * @param bindAddress where the admin API listens; loopback unless the operator says otherwise
   * @param port the admin API port, 0 for any free one
   * @param xdsAddress where the xDS server listens (plaintext: loopback unless the operator says otherwise)
   * @param xdsPort the xDS port (Istio's plaintext 15010 by default), 0 for any free one
   * @param translator null for {@link Translation#meshTranslator()}; tests pass their own
   * @param mesh mesh-wide settings (Istio's MeshConfig parts: access log file, ...)
   * @param vhdsMinVirtualHosts delta streams get route configurations with at least this many virtual
   *     hosts through VHDS; 0 turns VHDS off (see {@link XdsServerOptions#vhdsMinVirtualHosts()})
   */
  public record Options(Path dataDir, Path configDir, String bindAddress, int port, String defaultNamespace, Duration workloadTtl,
      Duration configPollInterval, String xdsAddress, int xdsPort, MeshTranslator translator, MeshSettings mesh,
      int vhdsMinVirtualHosts) {
    public static final int DEFAULT_XDS_PORT = 15010;

    public Options {
      if (vhdsMinVirtualHosts < 0) {
        throw new IllegalArgumentException("vhdsMinVirtualHosts must not be negative");
      }
    }

    /** With the default mesh settings. */
    public Options(Path dataDir, Path configDir, String bindAddress, int port, String defaultNamespace, Duration workloadTtl,
        Duration configPollInterval, String xdsAddress, int xdsPort, MeshTranslator translator) {
      this(dataDir, configDir, bindAddress, port, defaultNamespace, workloadTtl, configPollInterval, xdsAddress, xdsPort, translator,
          MeshSettings.DEFAULT, XdsServerOptions.DEFAULT_VHDS_MIN_VIRTUAL_HOSTS);
    }

    /** Mesh-wide settings, as Istio's MeshConfig (weftd --access-log-file). */
    public Options withMesh(MeshSettings settings) {
      return new Options(dataDir, configDir, bindAddress, port, defaultNamespace, workloadTtl, configPollInterval, xdsAddress, xdsPort,
          translator, settings, vhdsMinVirtualHosts);
    }

    public static Options defaults(Path dataDir) {
      return new Options(dataDir, null, "127.0.0.1", AdminServer.DEFAULT_PORT, "default", Duration.ofSeconds(30), Duration.ofSeconds(5),
          "127.0.0.1", DEFAULT_XDS_PORT, null);
    }

    public Options withConfigDir(Path dir) {
      return new Options(dataDir, dir, bindAddress, port, defaultNamespace, workloadTtl, configPollInterval, xdsAddress, xdsPort, translator, mesh, vhdsMinVirtualHosts);
    }

    /** The admin API's address. */
    public Options withListen(String address, int p) {
      return new Options(dataDir, configDir, address, p, defaultNamespace, workloadTtl, configPollInterval, xdsAddress, xdsPort, translator, mesh, vhdsMinVirtualHosts);
    }

    /** The xDS server's address. */
    public Options withXds(String address, int p) {
      return new Options(dataDir, configDir, bindAddress, port, defaultNamespace, workloadTtl, configPollInterval, address, p, translator, mesh, vhdsMinVirtualHosts);
    }

    /** Both servers on loopback, on free ports: what tests use. */
    public Options withEphemeralPorts() {
      return withListen("127.0.0.1", 0).withXds("127.0.0.1", 0);
    }

    public Options withWorkloadTtl(Duration ttl) {
      return new Options(dataDir, configDir, bindAddress, port, defaultNamespace, ttl, configPollInterval, xdsAddress, xdsPort, translator, mesh, vhdsMinVirtualHosts);
    }

    /** The VHDS threshold of delta streams (weftd --vhds-min-virtual-hosts); 0 turns VHDS off. */
    public Options withVhdsMinVirtualHosts(int min) {
      return new Options(dataDir, configDir, bindAddress, port, defaultNamespace, workloadTtl, configPollInterval, xdsAddress, xdsPort,
          translator, mesh, min);
    }

    public Options withTranslator(MeshTranslator t) {
      return new Options(dataDir, configDir, bindAddress, port, defaultNamespace, workloadTtl, configPollInterval, xdsAddress, xdsPort, t, mesh, vhdsMinVirtualHosts);
    }
  }

  private final ConfigStore store;
  private final WorkloadRegistry workloads;
  private final ConfigRegistry fromConfig;
  private final ServiceRegistry registry;
  private final DirectorySource directory;
  private final AdminServer admin;
  private final MeshState mesh;
  private final SnapshotConfigSource source;
  private final XdsServer xds;

  private ControlPlane(ConfigStore store, WorkloadRegistry workloads, ConfigRegistry fromConfig, ServiceRegistry registry,
      DirectorySource directory, AdminServer admin, MeshState mesh, SnapshotConfigSource source, XdsServer xds) {
    this.store = store;
    this.workloads = workloads;
    this.fromConfig = fromConfig;
    this.registry = registry;
    this.directory = directory;
    this.admin = admin;
    this.mesh = mesh;
    this.source = source;
    this.xds = xds;
  }

  /** Opens the data directory, loads the config directory, and starts serving. */
  public static ControlPlane start(Options o) throws IOException {
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      ConfigStore store = ConfigStore.open(o.dataDir());
      opened.add(store);
      for (Diagnostic d : store.startupProblems()) {
        Log.warn("data directory: skipped: " + d.format());
      }
      Log.info("data directory " + o.dataDir() + ": " + store.config().size() + " resources at revision " + store.revision());
      WorkloadRegistry workloads = new WorkloadRegistry(InstantSource.system(), o.workloadTtl(), 10_000);
      opened.add(workloads);
      workloads.startSweeper(Duration.ofMillis(Math.max(100, o.workloadTtl().toMillis() / 4)));
      ConfigRegistry fromConfig = new ConfigRegistry(store);
      opened.add(fromConfig);
      // A hostname that a ServiceEntry defines takes that definition; endpoints come from both.
      ServiceRegistry registry = new AggregateRegistry(List.of(fromConfig, workloads));
      DirectorySource directory = null;
      if (o.configDir() != null) {
        directory = new DirectorySource(store, o.configDir(), o.defaultNamespace(), o.configPollInterval());
        opened.add(directory);
        directory.start();
      }
      // xDS: snapshots of store + registry, translated per proxy, served over ADS; changes scoped to proxies.
      MeshState mesh = MeshState.open(store, registry, o.mesh());
      opened.add(mesh);
      MeshTranslator translator = o.translator() != null ? o.translator() : Translation.meshTranslator();
      SnapshotConfigSource source = new SnapshotConfigSource(mesh::snapshot, translator, MAX_CACHED_PROXIES);
      XdsServer xds = new XdsServer(source, XdsServerOptions.defaults().withAddress(o.xdsAddress(), o.xdsPort())
        .withVhdsMinVirtualHosts(o.vhdsMinVirtualHosts()));
      opened.add(xds);
      mesh.publishTo(xds, xds::connectedProxies);
      xds.start();
      Log.info("xDS (ADS) listening on " + o.xdsAddress() + ":" + xds.port());
      AdminServer admin = new AdminServer(store, workloads, registry, new InetSocketAddress(o.bindAddress(), o.port()),
          AdminServer.Limits.DEFAULT, xds);
      admin.start();
      Log.info("admin API listening on http://" + hostPort(admin.address()));
      return new ControlPlane(store, workloads, fromConfig, registry, directory, admin, mesh, source, xds);
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable c : opened.reversed()) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  public ConfigStore store() {
    return store;
  }

  public WorkloadRegistry workloads() {
    return workloads;
  }

  public ServiceRegistry registry() {
    return registry;
  }

  public int port() {
    return admin.port();
  }

  /** The xDS server's bound port. */
  public int xdsPort() {
    return xds.port();
  }

  public XdsServer xds() {
    return xds;
  }

  public MeshState mesh() {
    return mesh;
  }

  public SnapshotConfigSource configSource() {
    return source;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://" + hostPort(admin.address());
  }

  @Override
  public void close() throws IOException {
    admin.close();
    xds.stop();
    mesh.close();
    if (directory != null) {
      directory.close();
    }
    workloads.close();
    fromConfig.close();
    store.close();
  }
}
