package dev.weft.controlplane.api;

import dev.weft.config.model.Protocol;
import dev.weft.controlplane.api.ApiTypes.EndpointView;
import dev.weft.controlplane.api.ApiTypes.Heartbeat;
import dev.weft.controlplane.api.ApiTypes.Port;
import dev.weft.controlplane.api.ApiTypes.ServiceList;
import dev.weft.controlplane.api.ApiTypes.ServiceView;
import dev.weft.controlplane.api.ApiTypes.WorkloadList;
import dev.weft.controlplane.api.ApiTypes.WorkloadRegistration;
import dev.weft.controlplane.api.ApiTypes.WorkloadStatus;
import dev.weft.controlplane.registry.Health;
import dev.weft.controlplane.registry.Locality;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServiceRegistry;
import dev.weft.controlplane.registry.Workload;
import dev.weft.controlplane.registry.WorkloadRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/** The registry endpoints: workloads registering themselves (with heartbeats) and the services the registry knows. */
final class RegistryEndpoints {
  private final WorkloadRegistry workloads;
  private final ServiceRegistry registry;

  RegistryEndpoints(WorkloadRegistry workloads, ServiceRegistry registry) {
    this.workloads = workloads;
    this.registry = registry;
  }


  /** /api/v1/workloads[/NS/NAME]: register, heartbeat, list, deregister. */
  Reply workloads(ApiRequest req) throws IOException {
    String method = req.method();
    List<String> parts = req.parts();
    if (parts.size() == 3) {
      req.requireMethod("GET", "POST", "PUT");
      if (method.equals("GET")) {
        return Reply.json(200, new WorkloadList(workloads.registrations().stream().map(RegistryEndpoints::status).toList()));
      }
      WorkloadRegistration reg = ApiRequest.json(req.body(), WorkloadRegistration.class);
      Workload w = toWorkload(reg);
      Duration ttl = reg.ttlSeconds() == null ? null : Duration.ofSeconds(reg.ttlSeconds());
      WorkloadRegistry.Outcome outcome;
      try {
        outcome = workloads.register(w, ttl);
      } catch (IllegalArgumentException e) {
        throw new ApiException(422, "invalid workload", List.of(e.getMessage().split("; ")));
      }
      return Reply.json(outcome == WorkloadRegistry.Outcome.CREATED ? 201 : 200,
          status(workloads.registration(w.namespace(), w.name()).orElseThrow()));
    }
    if (parts.size() != 5) {
      throw new ApiException(404, "no such endpoint: use /api/v1/workloads/NAMESPACE/NAME");
    }
    String ns = ApiRequest.decode(parts.get(3));
    String name = ApiRequest.decode(parts.get(4));
    req.requireMethod("GET", "PUT", "DELETE");
    switch (method) {
      case "GET" -> {
        return Reply.json(200, status(workloads.registration(ns, name).orElseThrow(() -> notRegistered(ns, name))));
      }
      case "PUT" -> {
        String body = req.body();
        Health health = null;
        if (!body.isBlank()) {
          // A heartbeat may carry the whole registration: then it registers again what is missing.
          WorkloadRegistration reg = ApiRequest.json(body, WorkloadRegistration.class);
          if (reg.address() != null || reg.ports() != null) {
            return reRegister(ns, name, reg);
          }
          Heartbeat hb = new Heartbeat(reg.health());
          if (reg.name() != null || reg.namespace() != null || reg.service() != null || reg.serviceAccount() != null
              || reg.labels() != null || reg.locality() != null || reg.weight() != null || reg.ttlSeconds() != null) {
            throw new ApiException(400, "a heartbeat carries either only {health} or the whole registration (with address and ports)");
          }
          health = hb.health() == null ? null : health(hb.health());
        }
        if (!workloads.heartbeat(ns, name, health)) {
          throw notRegistered(ns, name);
        }
        return Reply.json(200, status(workloads.registration(ns, name).orElseThrow(() -> notRegistered(ns, name))));
      }
      default -> {
        if (!workloads.deregister(ns, name)) {
          throw notRegistered(ns, name);
        }
        return Reply.json(200, Map.of("deregistered", ns + "/" + name));
      }
    }
  }

  /** A heartbeat with the whole registration: refreshes it, or registers it again (201) when it is missing. */
  private Reply reRegister(String ns, String name, WorkloadRegistration reg) {
    if ((reg.name() != null && !reg.name().equals(name)) || (reg.namespace() != null && !reg.namespace().equals(ns))) {
      throw new ApiException(400, "the body names workload " + (reg.namespace() == null ? ns : reg.namespace()) + "/" + (reg.name() == null ? name : reg.name()) + " but the path is " + ns + "/" + name);
    }
    WorkloadRegistration full = new WorkloadRegistration(name, ns, reg.service(), reg.serviceAccount(), reg.labels(), reg.address(),
        reg.ports(), reg.health(), reg.locality(), reg.weight(), reg.ttlSeconds());
    Workload w = toWorkload(full);
    WorkloadRegistry.Outcome outcome;
    try {
      outcome = workloads.register(w, full.ttlSeconds() == null ? null : Duration.ofSeconds(full.ttlSeconds()));
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "invalid workload", List.of(e.getMessage().split("; ")));
    }
    return Reply.json(outcome == WorkloadRegistry.Outcome.CREATED ? 201 : 200,
        status(workloads.registration(ns, name).orElseThrow(() -> notRegistered(ns, name))));
  }

  private static ApiException notRegistered(String ns, String name) {
    return new ApiException(404, "workload " + ns + "/" + name + " is not registered (expired or never was): register it again");
  }

  private static Workload toWorkload(WorkloadRegistration r) {
    List<String> problems = new ArrayList<>();
    List<Workload.WorkloadPort> ports = new ArrayList<>();
    if (r.ports() != null) {
      for (int i = 0; i < r.ports().size(); i++) {
        Port p = r.ports().get(i);
        if (p == null) {
          problems.add("ports[" + i + "]: required");
          continue;
        }
        Protocol proto = null;
        if (p.protocol() != null && !p.protocol().isEmpty()) {
          proto = Protocol.parse(p.protocol());
          if (proto == Protocol.UNSUPPORTED) {
            problems.add("ports[" + i + "].protocol: unknown protocol \"" + p.protocol() + "\"");
          }
        }
        ports.add(new Workload.WorkloadPort(p.name(), p.number(), proto));
      }
    }
    Health health = null;
    if (r.health() != null) {
      try {
        health = health(r.health());
      } catch (ApiException e) {
        problems.add(e.getMessage());
      }
    }
    if (r.ttlSeconds() != null && r.ttlSeconds() <= 0) {
      problems.add("ttlSeconds: must be positive, got " + r.ttlSeconds());
    }
    if (!problems.isEmpty()) {
      throw new ApiException(422, "invalid workload", problems);
    }
    return new Workload(r.name(), r.namespace() == null ? "default" : r.namespace(), r.service(), r.serviceAccount(), r.labels(),
        r.address(), ports, health, Locality.parse(r.locality()), r.weight() == null ? 0 : r.weight());
  }

  private static Health health(String s) {
    try {
      return Health.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "health: \"" + s + "\" is not one of HEALTHY, UNHEALTHY, DRAINING");
    }
  }

  private static WorkloadStatus status(WorkloadRegistry.Registration r) {
    Workload w = r.workload();
    return new WorkloadStatus(w.name(), w.namespace(), w.hostname(), w.serviceAccount(), w.labels(), w.address(),
        w.ports().stream().map(p -> new Port(p.name(), p.number(), p.protocol() == null ? null : p.protocol().istioName())).toList(),
        w.health().name(), w.locality().toString(), w.weight() == 0 ? 1 : w.weight(), r.ttl().toSeconds(), r.lastSeen().toString(),
        r.expiresAt().toString());
  }

  /** GET /api/v1/services. */
  Reply services() {
    List<ServiceView> out = new ArrayList<>();
    for (Service s : registry.services()) {
      out.add(new ServiceView(s.hostname(), s.namespace(), s.registry(), s.resolution().name(), s.location().name(),
          s.ports().stream().map(p -> new Port(p.name(), p.number(), p.protocol().istioName())).toList(), s.addresses(),
          registry.endpoints(s.hostname()).stream().map(e -> new EndpointView(e.address(), e.ports(), e.serviceAccount(),
              e.health().name(), e.locality().toString(), e.weight(), e.workload(), e.labels())).toList()));
    }
    return Reply.json(200, new ServiceList(out));
  }
}
