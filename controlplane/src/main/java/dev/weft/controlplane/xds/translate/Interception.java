package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.weft.controlplane.xds.ProxyNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * How traffic reaches a proxy, from its node metadata. Istio's keys:
 * <ul>
 *   <li>{@code INTERCEPTION_MODE}: {@code REDIRECT} (default: iptables captures traffic to
 *       virtualOutbound/virtualInbound) or {@code NONE} (no capture: inbound listeners bound on the
 *       workload's address per service port, see {@link NoneModeListeners});</li>
 *   <li>{@code HTTP_PROXY_PORT}: a listener on that port of the workload's address taking
 *       absolute-form requests ({@code GET http://reviews:9080/...}) with route config
 *       {@code http_proxy}, for applications pointed at it with {@code HTTP_PROXY}.</li>
 * </ul>
 * Weft's own keys:
 * <ul>
 *   <li>{@code WEFT_APP_PORTS}: where the application listens, per inbound port:
 *       {@code 9080=127.0.0.1:31234,9443=127.0.0.1:31235}. A port not listed is the application's
 *       own port on 127.0.0.1 (Istio's default).</li>
 *   <li>{@code WEFT_BIND_ADDRESS}: the address a gateway's listeners bind instead of 0.0.0.0 (so
 *       several meshes on one machine, each gateway on its own loopback address, never clash).</li>
 * </ul>
 *
 * @param none          INTERCEPTION_MODE is NONE
 * @param httpProxyPort HTTP_PROXY_PORT, 0 when not set
 * @param appPorts      WEFT_APP_PORTS: inbound port to the application's "host:port"
 * @param bindAddress   WEFT_BIND_ADDRESS, "" when not set
 */
record Interception(boolean none, int httpProxyPort, Map<String, String> appPorts, String bindAddress) {

  static final String INTERCEPTION_MODE = "INTERCEPTION_MODE";
  static final String HTTP_PROXY_PORT = "HTTP_PROXY_PORT";
  static final String APP_PORTS = "WEFT_APP_PORTS";
  static final String BIND_ADDRESS = "WEFT_BIND_ADDRESS";

  Interception {
    appPorts = Map.copyOf(appPorts);
  }

  /** Reads the keys; values that do not parse are ignored (the proxy gets Istio's defaults). */
  static Interception of(ProxyNode proxy) {
    Struct md = proxy.node().getMetadata();
    boolean none = "NONE".equalsIgnoreCase(string(md, INTERCEPTION_MODE));
    int httpProxyPort = port(string(md, HTTP_PROXY_PORT));
    Map<String, String> app = new TreeMap<>();
    for (String entry : string(md, APP_PORTS).split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0 && port(entry.substring(0, eq).trim()) > 0) {
        String target = entry.substring(eq + 1).trim();
        int colon = target.lastIndexOf(':');
        if (colon > 0 && port(target.substring(colon + 1)) > 0) {
          app.put(entry.substring(0, eq).trim(), target);
        }
      }
    }
    return new Interception(none, httpProxyPort, app, string(md, BIND_ADDRESS).trim());
  }

  /** The application's address for an inbound port: "host:port", split. */
  String appHost(int port) {
    String a = appPorts.get(Integer.toString(port));
    return a == null ? "127.0.0.1" : a.substring(0, a.lastIndexOf(':'));
  }

  int appPort(int port) {
    String a = appPorts.get(Integer.toString(port));
    return a == null ? port : Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
  }

  private static int port(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return 0; // unset, the common case: no exception per translation
    }
    try {
      int p = Integer.parseInt(t);
      return p > 0 && p <= 65535 ? p : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String string(Struct struct, String key) {
    Value v = struct.getFieldsMap().get(key);
    if (v == null) {
      return "";
    }
    if (v.hasNumberValue()) {
      return Long.toString((long) v.getNumberValue());
    }
    return v.hasStringValue() ? v.getStringValue() : "";
  }
}
