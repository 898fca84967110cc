package dev.weft.config.networking.workloadentry;

import dev.weft.config.model.Resource;
import dev.weft.config.read.FieldPaths;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.Rules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Istio's ValidateWorkloadEntry; {@link #workloadEntry} also checks ServiceEntry endpoints. */
public final class WorkloadEntryValidator implements SpecValidator<WorkloadEntry> {
  static final String UNIX_PREFIX = "unix://";

  @Override
  public void validate(Resource<WorkloadEntry> r, Validation v) {
    workloadEntry(v, "spec", r.spec(), null, true);
  }

  /**
   * Istio's validateWorkloadEntry.
   *
   * @param servicePorts the port names of the enclosing ServiceEntry, or null for a standalone entry
   * @param allowFqdnAddress false where the address must be an IP (STATIC resolution)
   */
  public static void workloadEntry(Validation v, String path, WorkloadEntry we, Set<String> servicePorts, boolean allowFqdnAddress) {
    String addr = we.address() == null ? "" : we.address();
    String addrPath = path + ".address";
    if (addr.isEmpty()) {
      if (we.network() == null || we.network().isEmpty()) {
        v.error(addrPath, "address is required");
        return;
      }
      v.warning(addrPath, "address is unset with network \"" + we.network() + "\"");
    }
    boolean unix = addr.startsWith(UNIX_PREFIX);
    if (unix) {
      AddressRules.unixAddress(v, addrPath, addr.substring(UNIX_PREFIX.length()));
      if (!we.ports().isEmpty()) {
        v.error(path + ".ports", "unix endpoint " + addr + " must not include ports");
      }
    } else if (!addr.isEmpty() && !AddressRules.isIpAddress(addr)) {
      if (!allowFqdnAddress) {
        v.error(addrPath, "endpoint address \"" + addr + "\" is not a valid IP address");
      } else if (!HostRules.isFqdn(addr)) {
        v.error(addrPath, "endpoint address \"" + addr + "\" is not a valid FQDN or an IP address");
      }
    }
    endpointPorts(v, path + ".ports", we.ports(), servicePorts);
    LabelRules.labels(v, path + ".labels", we.labels());
    Rules.nonNegative(v, path + ".weight", we.weight(), "weight");
    if (unix && servicePorts != null && servicePorts.size() != 1) {
      v.error(addrPath, "exactly 1 service port required for unix endpoints");
    }
  }

  /** Endpoint ports are keyed by the service's port names; each must name a declared port when those are known. */
  public static void endpointPorts(Validation v, String path, Map<String, Long> ports, Set<String> servicePorts) {
    for (Map.Entry<String, Long> e : new TreeMap<>(ports).entrySet()) {
      String p = FieldPaths.child(path, e.getKey());
      if (servicePorts != null && !servicePorts.contains(e.getKey())) {
        v.error(p, "endpoint port " + e.getValue() + " is not defined by the service entry (no port named \"" + e.getKey() + "\")");
      }
      AddressRules.portName(v, p, e.getKey());
      long port = e.getValue();
      AddressRules.port(v, p, (int) Math.clamp(port, Integer.MIN_VALUE, Integer.MAX_VALUE));
    }
  }
}
