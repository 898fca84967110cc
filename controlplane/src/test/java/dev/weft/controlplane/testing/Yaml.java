package dev.weft.controlplane.testing;

/** Small valid and invalid resources for the control plane's tests. */
public final class Yaml {
  private Yaml() {}

  /** A valid Gateway; {@code port} goes into the server port number (over 65535 makes it invalid). */
  public static String gateway(String name, String namespace, int port) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: %s
        %s
        spec:
          selector:
            istio: ingressgateway
          servers:
          - hosts: ["*"]
            port:
              name: http
              number: %d
              protocol: HTTP
        """.formatted(name, namespace == null ? "" : "  namespace: " + namespace, port);
  }

  public static String gateway(String name, int port) {
    return gateway(name, null, port);
  }
}
