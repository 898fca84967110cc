package dev.weft.controlplane.xds.translate;

import com.google.protobuf.ByteString;
import dev.weft.config.kube.Secret;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.config.networking.gateway.ServerTls;
import dev.weft.controlplane.credentials.Credential;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * SDS secrets of a gateway (Istio's SecretGen for {@code kubernetes://} names): for each
 * {@code credentialName} of the Gateway servers that select the proxy, the Kubernetes Secret of that
 * name in the proxy's namespace becomes {@code kubernetes://<name>} (certificate chain + key) and,
 * when it holds a CA (or a {@code <name>-cacert} Secret exists), {@code kubernetes://<name>-cacert}
 * (validation context). A gateway gets only what its servers name, from its own namespace; a name
 * without a Secret is not sent, so the listener referring to it keeps warming (Envoy's behaviour).
 * {@code default} / {@code ROOTCA} (ISTIO_MUTUAL) are not served yet: they need the mesh CA.
 */
final class GatewaySecrets {
  private GatewaySecrets() {}

  private static final String CACERT_SUFFIX = "-cacert";

  static Map<String, io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret> build(ProxyScope scope) {
    Set<String> names = new LinkedHashSet<>();
    for (Resource<Gateway> g : scope.gateways()) {
      for (Gateway.Server s : g.spec().servers()) {
        ServerTls tls = s.tls();
        if (tls == null || tls.mode() == null || tls.mode() == ServerTls.Mode.ISTIO_MUTUAL) {
          continue;
        }
        if (tls.credentialName() != null && !tls.credentialName().isEmpty()) {
          names.add(strip(tls.credentialName()));
        }
        tls.credentialNames().forEach(n -> names.add(strip(n)));
      }
    }
    String namespace = scope.proxy().namespace();
    Map<String, io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret> out = new TreeMap<>();
    for (String name : names) {
      Optional<Credential> credential = secret(scope, namespace, name).flatMap(Credential::of);
      credential.filter(c -> c.certificateChain() != null && c.privateKey() != null).ifPresent(c ->
          out.put(TlsContexts.credential(name), io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.newBuilder()
              .setName(TlsContexts.credential(name))
              .setTlsCertificate(TlsCertificate.newBuilder()
                  .setCertificateChain(inline(c.certificateChain()))
                  .setPrivateKey(inline(c.privateKey())))
              .build()));
      // The CA: the credential's own ca.crt/cacert, else Istio's separate "<name>-cacert" Secret.
      Optional<String> ca = credential.map(Credential::caCertificates)
          .or(() -> secret(scope, namespace, name + CACERT_SUFFIX).flatMap(Credential::of).map(Credential::caCertificates));
      ca.ifPresent(pem -> out.put(TlsContexts.credential(name) + CACERT_SUFFIX,
          io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.newBuilder()
              .setName(TlsContexts.credential(name) + CACERT_SUFFIX)
              .setValidationContext(CertificateValidationContext.newBuilder().setTrustedCa(inline(pem)))
              .build()));
    }
    return out;
  }

  private static Optional<Secret> secret(ProxyScope scope, String namespace, String name) {
    return scope.snapshot().config().all(Kind.SECRET, Secret.class).stream()
        .filter(r -> r.name().equals(name) && r.namespace().equals(namespace))
        .map(Resource::spec)
        .findFirst();
  }

  private static String strip(String name) {
    return name.startsWith("kubernetes://") ? name.substring("kubernetes://".length()) : name;
  }

  private static DataSource inline(String pem) {
    return DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(pem, StandardCharsets.UTF_8)).build();
  }
}
