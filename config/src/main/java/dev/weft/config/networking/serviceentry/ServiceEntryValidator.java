package dev.weft.config.networking.serviceentry;

import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.workloadentry.WorkloadEntry;
import dev.weft.config.networking.workloadentry.WorkloadEntryValidator;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Istio's ValidateServiceEntry. */
public final class ServiceEntryValidator implements SpecValidator<ServiceEntry> {

  @Override
  public void validate(Resource<ServiceEntry> r, Validation v) {
    ServiceEntry se = r.spec();
    if (se.workloadSelector() != null) {
      LabelRules.selectorLabels(v, "spec.workloadSelector.labels", se.workloadSelector().labels(),
          "service entry: workload selector specified without labels, will be applied to all services in namespace");
      if (!se.endpoints().isEmpty()) {
        v.error("spec.workloadSelector", "only one of WorkloadSelector or Endpoints is allowed in Service Entry");
      }
    }
    hosts(v, se.hosts());
    boolean cidr = false;
    for (int i = 0; i < se.addresses().size(); i++) {
      String address = se.addresses().get(i);
      cidr |= address.contains("/");
      AddressRules.ipSubnet(v, "spec.addresses[" + i + "]", address);
    }
    if (cidr && se.resolution() != ServiceEntry.Resolution.NONE && se.resolution() != ServiceEntry.Resolution.STATIC) {
      v.error("spec.addresses", "CIDR addresses are allowed only for NONE/STATIC resolution types");
    }
    Set<String> portNames = ports(v, se);
    resolution(v, se, portNames);
    if (se.resolution() != ServiceEntry.Resolution.NONE && se.hosts().size() > 1) {
      for (int i = 0; i < se.ports().size(); i++) {
        Protocol p = Protocol.parse(se.ports().get(i).protocol());
        if (!p.isHttp() && !p.isTls()) {
          v.error("spec.ports[" + i + "].protocol", "multiple hosts provided with non-HTTP, non-TLS ports");
          break;
        }
      }
    }
    HostRules.exportTo(v, "spec.exportTo", r.namespace(), se.exportTo(), true);
  }

  private static void hosts(Validation v, List<String> hosts) {
    if (hosts.isEmpty()) {
      v.error("spec.hosts", "service entry must have at least one host");
    }
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String path = "spec.hosts[" + i + "]";
      if (host.equals("*")) {
        v.error(path, "invalid host *");
      } else {
        HostRules.host(v, path, host, true);
      }
    }
  }

  /** Checks the ports and returns their names (which endpoints' ports refer to). */
  private static Set<String> ports(Validation v, ServiceEntry se) {
    Set<String> names = new LinkedHashSet<>();
    Set<Integer> numbers = new HashSet<>();
    for (int i = 0; i < se.ports().size(); i++) {
      ServiceEntry.Port port = se.ports().get(i);
      String path = "spec.ports[" + i + "]";
      if (port.name() != null && !names.add(port.name())) {
        v.error(path + ".name", "service entry port name \"" + port.name() + "\" already defined");
      }
      if (port.number() != null && !numbers.add(port.number())) {
        v.error(path + ".number", "service entry port " + port.number() + " already defined");
      }
      if (port.targetPort() != null) {
        AddressRules.port(v, path + ".targetPort", port.targetPort());
        if (se.resolution() == ServiceEntry.Resolution.NONE) {
          v.warning(path + ".targetPort", "targetPort has no effect when resolution mode is NONE");
        }
      }
      AddressRules.portName(v, path + ".name", port.name());
      AddressRules.protocol(v, path + ".protocol", port.protocol());
      if (port.number() == null) {
        v.error(path + ".number", "port number is required");
      } else {
        AddressRules.port(v, path + ".number", port.number());
      }
    }
    return names;
  }

  private static void resolution(Validation v, ServiceEntry se, Set<String> portNames) {
    List<WorkloadEntry> endpoints = se.endpoints();
    switch (se.resolution()) {
      case NONE -> {
        if (!endpoints.isEmpty()) {
          v.error("spec.endpoints", "no endpoints should be provided for resolution type none");
        }
        if (se.workloadSelector() != null) {
          v.warning("spec.workloadSelector", "workloadSelector should not be set when resolution mode is NONE");
        }
      }
      case STATIC -> {
        for (int i = 0; i < endpoints.size(); i++) {
          WorkloadEntryValidator.workloadEntry(v, "spec.endpoints[" + i + "]", endpoints.get(i), portNames, false);
        }
      }
      case DNS, DNS_ROUND_ROBIN -> dns(v, se, portNames);
    }
  }

  private static void dns(Validation v, ServiceEntry se, Set<String> portNames) {
    List<WorkloadEntry> endpoints = se.endpoints();
    if (endpoints.isEmpty()) {
      for (int i = 0; i < se.hosts().size(); i++) {
        if (!HostRules.isFqdn(se.hosts().get(i))) {
          v.error("spec.hosts[" + i + "]", "hosts must be FQDN if no endpoints are provided for resolution mode " + se.resolution());
        }
      }
    }
    if (se.resolution() == ServiceEntry.Resolution.DNS_ROUND_ROBIN && endpoints.size() > 1) {
      v.error("spec.endpoints", "there must only be 0 or 1 endpoint for resolution mode " + se.resolution());
    }
    for (int i = 0; i < endpoints.size(); i++) {
      WorkloadEntry ep = endpoints.get(i);
      String path = "spec.endpoints[" + i + "]";
      String addr = ep.address() == null ? "" : ep.address();
      if (!AddressRules.isIpAddress(addr) && !HostRules.isFqdn(addr)) {
        v.error(path + ".address", "endpoint address \"" + addr + "\" is not a valid FQDN or an IP address");
      }
      LabelRules.labels(v, path + ".labels", ep.labels());
      WorkloadEntryValidator.endpointPorts(v, path + ".ports", ep.ports(), portNames);
    }
    if (se.workloadSelector() != null) {
      v.warning("spec.workloadSelector", "workloadSelector should not be set when resolution mode is " + se.resolution());
    }
    if (!se.addresses().isEmpty() && se.hosts().size() > 1) {
      for (ServiceEntry.Port port : se.ports()) {
        if (Protocol.parse(port.protocol()).isTcp()) {
          v.warning("spec.hosts", "service entry can not have more than one host specified simultaneously with address and tcp port");
          break;
        }
      }
    }
  }
}
