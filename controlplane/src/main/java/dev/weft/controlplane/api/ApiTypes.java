package dev.weft.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import dev.weft.controlplane.store.ResourceChange;
import dev.weft.controlplane.store.WriteResult;
import java.util.List;
import java.util.Map;

/** The JSON bodies of the admin API, shared by the server and the {@code weft} client. */
public final class ApiTypes {
  private ApiTypes() {}

  /** POST /api/v1/apply and /api/v1/delete with a JSON body: several named inputs in one atomic write. */
  public record WriteRequest(String namespace, List<Input> inputs) {}

  public record Input(String name, String text) {}

  /** The outcome of an apply or delete; {@code accepted} false means nothing was changed. */
  public record WriteResponse(boolean accepted, long revision, List<Change> results, List<DiagnosticJson> diagnostics, int ignored) {
    public static WriteResponse of(WriteResult r) {
      return new WriteResponse(r.accepted(), r.revision(), r.changes().stream().map(Change::of).toList(),
          r.diagnostics().stream().map(DiagnosticJson::of).toList(), r.ignored());
    }
  }

  /** One resource's outcome: action is created, configured, unchanged, deleted or not found. */
  public record Change(String kind, String group, String namespace, String name, String action, long resourceVersion) {
    static Change of(ResourceChange c) {
      return new Change(c.key().kind().kindName(), c.key().kind().group(), c.key().namespace(), c.key().name(), c.action().word(),
          c.resourceVersion());
    }
  }

  /** A {@link Diagnostic} as JSON; {@code text} is its one-line form, as {@code weft validate} prints it. */
  public record DiagnosticJson(String level, String file, int line, String resource, String path, String message, String text) {
    public static DiagnosticJson of(Diagnostic d) {
      return new DiagnosticJson(d.level().name(), d.file(), d.line(), d.resource(), d.path(), d.message(), d.format());
    }

    public Diagnostic toDiagnostic() {
      Level l;
      try {
        l = Level.valueOf(level);
      } catch (IllegalArgumentException | NullPointerException e) {
        l = Level.ERROR;
      }
      return new Diagnostic(l, nz(file), line, nz(resource), nz(path), nz(message));
    }

    private static String nz(String s) {
      return s == null ? "" : s;
    }
  }

  /** Every error answer: what went wrong, and details when there are several problems. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Error(String error, List<String> details, List<DiagnosticJson> diagnostics) {
    public Error(String error) {
      this(error, List.of(), List.of());
    }
  }

  /** POST/PUT /api/v1/workloads: a workload registering itself. */
  public record WorkloadRegistration(String name, String namespace, String service, String serviceAccount, Map<String, String> labels,
      String address, List<Port> ports, String health, String locality, Integer weight, Integer ttlSeconds) {}

  /** {@code protocol} may be left out: then it comes from the port name, as in Istio. */
  public record Port(String name, int number, String protocol) {}

  /**
   * PUT /api/v1/workloads/NS/NAME with only {@code health} (or no body): a heartbeat, optionally with
   * a new health. A workload that sends its whole {@link WorkloadRegistration} as its heartbeat is
   * registered again when the control plane does not know it (after a restart: the registry is in
   * memory).
   */
  public record Heartbeat(String health) {}

  /** GET /api/v1/proxies: the connected xDS streams, oldest first. */
  public record ProxyList(List<ProxyView> items) {}

  /**
   * One connected xDS stream.
   *
   * @param id the node id; {@code type} SIDECAR, ROUTER or PROXYLESS_GRPC; {@code version} the
   *     proxy's own version as its node says (metadata ISTIO_VERSION, else the user agent's)
   * @param types by short name (CDS, EDS, LDS, RDS, SDS), in push order
   */
  public record ProxyView(String id, String connectionId, String type, String namespace, String cluster, String protocol, String peer,
      String connectedSince, String version, Map<String, TypeView> types) {}

  /** One resource type of a proxy: state SYNCED, NOT_SENT, STALE or NACKED. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TypeView(String state, String sentVersion, String ackedVersion, int resources, long responsesSent, NackView lastNack) {}

  /** The proxy's last rejection: the version it refused and its own explanation. */
  public record NackView(String version, String message, String at) {}

  /** A registered workload as GET /api/v1/workloads shows it. */
  public record WorkloadStatus(String name, String namespace, String hostname, String serviceAccount, Map<String, String> labels,
      String address, List<Port> ports, String health, String locality, int weight, long ttlSeconds, String lastSeen, String expiresAt) {}

  public record WorkloadList(List<WorkloadStatus> items) {}

  /** GET /api/v1/services: the registry's view. */
  public record ServiceView(String hostname, String namespace, String registry, String resolution, String location, List<Port> ports,
      List<String> addresses, List<EndpointView> endpoints) {}

  public record EndpointView(String address, Map<String, Integer> ports, String serviceAccount, String health, String locality,
      int weight, String workload, Map<String, String> labels) {}

  public record ServiceList(List<ServiceView> items) {}

  public record Health(String status, long revision) {}
}
