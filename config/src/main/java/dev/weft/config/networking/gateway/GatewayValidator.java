package dev.weft.config.networking.gateway;

import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.HashSet;
import java.util.Set;

/** Istio's ValidateGateway rules. */
public final class GatewayValidator implements SpecValidator<Gateway> {

  @Override
  public void validate(Resource<Gateway> r, Validation v) {
    Gateway g = r.spec();
    LabelRules.labels(v, "spec.selector", g.selector());
    if (g.servers().isEmpty()) {
      v.error("spec.servers", "gateway must have at least one server");
    }
    Set<String> portNames = new HashSet<>();
    Set<String> serverNames = new HashSet<>();
    for (int i = 0; i < g.servers().size(); i++) {
      Gateway.Server s = g.servers().get(i);
      String path = "spec.servers[" + i + "]";
      server(v, path, s);
      if (s.port() != null && s.port().name() != null && !portNames.add(s.port().name())) {
        v.error(path + ".port.name", "port names in servers must be unique: duplicate name " + s.port().name());
      }
      if (s.name() != null && !serverNames.add(s.name())) {
        v.error(path + ".name", "server names must be unique: duplicate name " + s.name());
      }
    }
  }

  private static void server(Validation v, String path, Gateway.Server s) {
    if (s.hosts().isEmpty()) {
      v.error(path + ".hosts", "server config must contain at least one host");
    }
    for (int i = 0; i < s.hosts().size(); i++) {
      namespacedHost(v, path + ".hosts[" + i + "]", s.hosts().get(i));
    }
    boolean portOk = port(v, path + ".port", s.port());
    if (portOk) {
      Protocol p = Protocol.parse(s.port().protocol());
      if (p.isTls() && s.tls() == null) {
        v.error(path + ".tls", "server must have TLS settings for HTTPS/TLS protocols");
      } else if (!p.isTls() && s.tls() != null) {
        ServerTls t = s.tls();
        boolean redirectOnly = t.mode() == ServerTls.Mode.PASSTHROUGH && t.serverCertificate() == null
            && t.privateKey() == null && t.caCertificates() == null;
        if (!p.isHttp()) {
          v.error(path + ".tls", "server cannot have TLS settings for non HTTPS/TLS ports");
        } else if (!redirectOnly) {
          v.error(path + ".tls", "server cannot have TLS settings for plain text HTTP ports");
        }
      }
    }
    if (s.tls() != null) {
      tls(v, path + ".tls", s.tls());
    }
  }

  /** Gateway hosts may be "namespace/host", where namespace is ".", "*" or a namespace name. */
  static void namespacedHost(Validation v, String path, String host) {
    String h = host;
    int slash = host.indexOf('/');
    if (slash >= 0) {
      String ns = host.substring(0, slash);
      h = host.substring(slash + 1);
      if (!ns.equals(".") && !ns.equals("*") && !HostRules.isDns1123Label(ns)) {
        v.error(path, "invalid namespace value \"" + ns + "\" in host \"" + host + "\"");
        return;
      }
    }
    HostRules.host(v, path, h, true);
  }

  private static boolean port(Validation v, String path, Gateway.Port port) {
    if (port == null) {
      v.error(path, "port is required");
      return false;
    }
    boolean ok = true;
    if (port.number() == null) {
      v.error(path + ".number", "port number is required");
      ok = false;
    } else {
      ok &= AddressRules.port(v, path + ".number", port.number());
    }
    ok &= AddressRules.port(v, path + ".targetPort", port.targetPort());
    if (Protocol.parse(port.protocol()) == Protocol.UNSUPPORTED) {
      v.error(path + ".protocol", (port.protocol() == null ? "protocol is required" : "invalid protocol \"" + port.protocol() + "\"")
          + ", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP, HTTPS, TLS");
      ok = false;
    }
    return ok;
  }

  /** Istio's validateTLSOptions; Sidecar ingress listeners use it too. */
  public static void tls(Validation v, String path, ServerTls t) {
    boolean hasCredential = t.credentialName() != null || !t.credentialNames().isEmpty() || !t.tlsCertificates().isEmpty();
    switch (t.mode()) {
      case ISTIO_MUTUAL -> {
        if (t.serverCertificate() != null || t.privateKey() != null || t.caCertificates() != null || t.credentialName() != null) {
          v.error(path, "ISTIO_MUTUAL TLS cannot have associated certificates or a credentialName");
        }
      }
      case SIMPLE, MUTUAL, OPTIONAL_MUTUAL -> {
        if (!hasCredential) {
          if (t.serverCertificate() == null) {
            v.error(path + ".serverCertificate", t.mode() + " TLS requires a server certificate (serverCertificate or credentialName)");
          }
          if (t.privateKey() == null) {
            v.error(path + ".privateKey", t.mode() + " TLS requires a private key (privateKey or credentialName)");
          }
          if (t.mode() != ServerTls.Mode.SIMPLE && t.caCertificates() == null) {
            v.error(path + ".caCertificates", t.mode() + " TLS requires a client CA bundle (caCertificates or credentialName)");
          }
        }
      }
      default -> {}
    }
    if (t.credentialName() != null && !t.credentialNames().isEmpty()) {
      v.error(path + ".credentialNames", "only one of credentialName and credentialNames may be set");
    }
    if (t.minProtocolVersion() != null && t.maxProtocolVersion() != null
        && t.maxProtocolVersion() != ServerTls.ProtocolVersion.TLS_AUTO
        && t.minProtocolVersion().compareTo(t.maxProtocolVersion()) > 0) {
      v.error(path + ".maxProtocolVersion", "tls.maxProtocolVersion must be greater than or equal to tls.minProtocolVersion");
    }
  }
}
