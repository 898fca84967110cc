package dev.weft.config.analyze.virtualservice;

import dev.weft.config.networking.virtualservice.Destination;
import dev.weft.config.networking.virtualservice.HttpRoute;
import dev.weft.config.networking.virtualservice.VirtualService;
import java.util.ArrayList;
import java.util.List;

/** The destinations of a VirtualService in the order Istio's analyzers visit them. */
final class Destinations {
  private Destinations() {}

  /**
   * @param path the destination's field path, e.g. {@code spec.http[0].route[1].destination}
   * @param mirror a mirror target rather than a route
   */
  record Ref(Destination destination, String path, boolean mirror) {
    String hostPath() {
      return path + ".host";
    }
  }

  /** tcp, tls, then http routes; then the http mirrors. A route without destination has host "". */
  static List<Ref> of(VirtualService vs) {
    List<Ref> out = new ArrayList<>();
    for (int i = 0; i < vs.tcp().size(); i++) {
      var routes = vs.tcp().get(i).route();
      for (int j = 0; j < routes.size(); j++) {
        out.add(new Ref(orEmpty(routes.get(j).destination()), "spec.tcp[" + i + "].route[" + j + "].destination", false));
      }
    }
    for (int i = 0; i < vs.tls().size(); i++) {
      var routes = vs.tls().get(i).route();
      for (int j = 0; j < routes.size(); j++) {
        out.add(new Ref(orEmpty(routes.get(j).destination()), "spec.tls[" + i + "].route[" + j + "].destination", false));
      }
    }
    for (int i = 0; i < vs.http().size(); i++) {
      var routes = vs.http().get(i).route();
      for (int j = 0; j < routes.size(); j++) {
        out.add(new Ref(orEmpty(routes.get(j).destination()), "spec.http[" + i + "].route[" + j + "].destination", false));
      }
    }
    for (int i = 0; i < vs.http().size(); i++) {
      HttpRoute h = vs.http().get(i);
      if (h.mirror() != null) {
        out.add(new Ref(h.mirror(), "spec.http[" + i + "].mirror", true));
      }
      for (int j = 0; j < h.mirrors().size(); j++) {
        if (h.mirrors().get(j).destination() != null) {
          out.add(new Ref(h.mirrors().get(j).destination(), "spec.http[" + i + "].mirrors[" + j + "].destination", true));
        }
      }
    }
    return out;
  }

  private static Destination orEmpty(Destination d) {
    return d != null ? d : new Destination("", null, null);
  }

  static String host(Destination d) {
    return d.host() == null ? "" : d.host();
  }
}
