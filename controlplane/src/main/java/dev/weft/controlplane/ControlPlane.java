package dev.weft.controlplane;

import dev.weft.config.diag.Diagnostic;
import dev.weft.controlplane.api.AdminServer;
import dev.weft.controlplane.registry.AggregateRegistry;
import dev.weft.controlplane.registry.ConfigRegistry;
import dev.weft.controlplane.registry.ServiceRegistry;
import dev.weft.controlplane.registry.WorkloadRegistry;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.store.DirectorySource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * weftd: the config store, the service registry and the admin API, started and stopped together.
 * (xDS serving sits on the store's watchers and the registry's listeners.)
 */
public final class ControlPlane implements AutoCloseable {

  /**
   * @param configDir a directory of YAML to follow, or null
   * @param bindAddress where the admin API listens; loopback unless the operator says otherwise
   * @param port the admin API port, 0 for any free one
   */
  public record Options(Path dataDir, Path configDir, String bindAddress, int port, String defaultNamespace, Duration workloadTtl,
      Duration configPollInterval) {
    public static Options defaults(Path dataDir) {
      return new Options(dataDir, null, "127.0.0.1", AdminServer.DEFAULT_PORT, "default", Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    public Options withConfigDir(Path dir) {
      return new Options(dataDir, dir, bindAddress, port, defaultNamespace, workloadTtl, configPollInterval);
    }

    public Options withListen(String address, int p) {
      return new Options(dataDir, configDir, address, p, defaultNamespace, workloadTtl, configPollInterval);
    }
  }

  private final ConfigStore store;
  private final WorkloadRegistry workloads;
  private final ConfigRegistry fromConfig;
  private final ServiceRegistry registry;
  private final DirectorySource directory;
  private final AdminServer admin;

  private ControlPlane(ConfigStore store, WorkloadRegistry workloads, ConfigRegistry fromConfig, ServiceRegistry registry,
      DirectorySource directory, AdminServer admin) {
    this.store = store;
    this.workloads = workloads;
    this.fromConfig = fromConfig;
    this.registry = registry;
    this.directory = directory;
    this.admin = admin;
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
      AdminServer admin = new AdminServer(store, workloads, registry, new InetSocketAddress(o.bindAddress(), o.port()),
          AdminServer.Limits.DEFAULT);
      admin.start();
      Log.info("admin API listening on http://" + hostPort(admin.address()));
      return new ControlPlane(store, workloads, fromConfig, registry, directory, admin);
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

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://" + hostPort(admin.address());
  }

  @Override
  public void close() throws IOException {
    admin.close();
    if (directory != null) {
      directory.close();
    }
    workloads.close();
    fromConfig.close();
    store.close();
  }
}
