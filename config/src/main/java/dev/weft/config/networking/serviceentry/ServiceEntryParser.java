package dev.weft.config.networking.serviceentry;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.networking.workloadentry.WorkloadEntryParser;
import dev.weft.config.read.MapReader;

/** Reads a ServiceEntry spec. */
public final class ServiceEntryParser {
  private ServiceEntryParser() {}

  public static ServiceEntry parse(MapReader spec) {
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
        spec.strings("subjectAltNames"));
  }
}
