package dev.weft.config.networking.serviceentry;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.networking.workloadentry.WorkloadEntryParser;
import dev.weft.config.read.MapReader;
import dev.weft.config.yaml.YamlNode;
import java.util.List;
import java.util.Objects;

/** Reads a ServiceEntry: its spec, and the addresses Istio allocated from its status. */
public final class ServiceEntryParser {
  private ServiceEntryParser() {}

  /** The whole document: {@code spec}, and {@code status.addresses} (other status fields are ignored). */
  public static ServiceEntry read(MapReader doc) {
    List<String> allocated = doc.raw("status") instanceof YamlNode.Mapping
        ? doc.object("status", status -> status.lenient().list("addresses", a -> a.lenient().string("value")))
        : List.of();
    return doc.specObject(spec -> parse(spec, allocated == null ? List.of() : allocated.stream().filter(Objects::nonNull).toList()));
  }

  private static ServiceEntry parse(MapReader spec, List<String> allocatedAddresses) {
    ServiceEntry.Location location = spec.enumValue("location", ServiceEntry.Location.class);
    ServiceEntry.Resolution resolution = spec.enumValue("resolution", ServiceEntry.Resolution.class);
    return new ServiceEntry(
        spec.strings("hosts"),
        spec.strings("addresses"),
        spec.list("ports", p -> new ServiceEntry.Port(p.integer("number"), p.string("protocol"), p.string("name"), p.integer("targetPort"))),
        location == null ? ServiceEntry.Location.MESH_EXTERNAL : location,
        resolution == null ? ServiceEntry.Resolution.NONE : resolution,
        spec.list("endpoints", WorkloadEntryParser::workloadEntry),
        spec.object("workloadSelector", WorkloadSelector::readLabels),
        spec.strings("exportTo"),
        spec.strings("subjectAltNames"),
        allocatedAddresses);
  }
}
