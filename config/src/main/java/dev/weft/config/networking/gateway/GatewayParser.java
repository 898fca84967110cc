package dev.weft.config.networking.gateway;

import dev.weft.config.read.MapReader;

/** Reads a Gateway spec. */
public final class GatewayParser {
  private GatewayParser() {}

  public static Gateway parse(MapReader spec) {
    return new Gateway(spec.stringMap("selector"), spec.list("servers", GatewayParser::server));
  }

  static Gateway.Server server(MapReader s) {
    return new Gateway.Server(
        s.object("port", GatewayParser::port),
        s.string("bind"),
        s.strings("hosts"),
        s.object("tls", GatewayParser::tls),
        s.string("defaultEndpoint"),
        s.string("name"));
  }

  static Gateway.Port port(MapReader p) {
    return new Gateway.Port(p.integer("number"), p.string("protocol"), p.string("name"), p.integer("targetPort"));
  }

  public static ServerTls tls(MapReader t) {
    ServerTls.Mode mode = t.enumValue("mode", ServerTls.Mode.class);
    return new ServerTls(
        t.bool("httpsRedirect", false),
        mode == null ? ServerTls.Mode.PASSTHROUGH : mode,
        t.string("serverCertificate"),
        t.string("privateKey"),
        t.string("caCertificates"),
        t.string("caCrl"),
        t.string("credentialName"),
        t.strings("credentialNames"),
        t.list("tlsCertificates", c -> new ServerTls.TlsCertificate(
            c.string("serverCertificate"), c.string("privateKey"), c.string("caCertificates"))),
        t.strings("subjectAltNames"),
        t.strings("verifyCertificateSpki"),
        t.strings("verifyCertificateHash"),
        t.enumValue("minProtocolVersion", ServerTls.ProtocolVersion.class),
        t.enumValue("maxProtocolVersion", ServerTls.ProtocolVersion.class),
        t.strings("cipherSuites"));
  }
}
