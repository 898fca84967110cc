package dev.weft.config.model;

import java.util.Locale;

/** Port protocols as Istio names them (istio/pkg/config/protocol). Parsing is case-insensitive, as in Istio. */
public enum Protocol {
  HTTP("HTTP"),
  HTTPS("HTTPS"),
  GRPC("GRPC"),
  GRPC_WEB("GRPC-Web"),
  HTTP2("HTTP2"),
  HTTP_PROXY("HTTP_PROXY"),
  MONGO("Mongo"),
  MYSQL("MySQL"),
  REDIS("Redis"),
  TCP("TCP"),
  TLS("TLS"),
  UDP("UDP"),
  UNSUPPORTED("UnsupportedProtocol");

  private final String istioName;

  Protocol(String istioName) {
    this.istioName = istioName;
  }

  /** Istio's protocol.Parse: case-insensitive; unknown names are UNSUPPORTED. */
  public static Protocol parse(String s) {
    if (s == null) {
      return UNSUPPORTED;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    for (Protocol p : values()) {
      if (p != UNSUPPORTED && p.istioName.toLowerCase(Locale.ROOT).equals(lower)) {
        return p;
      }
    }
    return UNSUPPORTED;
  }

  /** Istio's port name convention: "http-foo" or "http" names HTTP (used when no protocol is set). */
  public static Protocol fromPortName(String name) {
    if (name == null) {
      return UNSUPPORTED;
    }
    int dash = name.indexOf('-');
    return parse(dash < 0 ? name : name.substring(0, dash));
  }

  public String istioName() {
    return istioName;
  }

  public boolean isHttp() {
    return this == HTTP || this == HTTP2 || this == GRPC || this == GRPC_WEB || this == HTTP_PROXY;
  }

  /** HTTPS and TLS: the proxy sees TLS on the wire. */
  public boolean isTls() {
    return this == HTTPS || this == TLS;
  }

  public boolean isTcp() {
    return this == TCP || this == HTTPS || this == TLS || this == MONGO || this == MYSQL || this == REDIS;
  }
}
