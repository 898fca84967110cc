package dev.weft.controlplane.registry;

/** Where an endpoint runs, for locality-aware load balancing; empty parts are unknown. */
public record Locality(String region, String zone, String subzone) {
  public static final Locality UNKNOWN = new Locality("", "", "");

  public Locality {
    region = region == null ? "" : region;
    zone = zone == null ? "" : zone;
    subzone = subzone == null ? "" : subzone;
  }

  /** Istio's {@code region/zone/subzone} form; missing parts are empty. */
  public static Locality parse(String s) {
    if (s == null || s.isEmpty()) {
      return UNKNOWN;
    }
    String[] p = s.split("/", 3);
    return new Locality(p[0], p.length > 1 ? p[1] : "", p.length > 2 ? p[2] : "");
  }

  @Override
  public String toString() {
    return subzone.isEmpty() ? (zone.isEmpty() ? region : region + "/" + zone) : region + "/" + zone + "/" + subzone;
  }
}
