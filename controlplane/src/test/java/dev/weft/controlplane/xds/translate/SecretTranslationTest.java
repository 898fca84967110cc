package dev.weft.controlplane.xds.translate;

import static dev.weft.controlplane.xds.translate.Translated.INGRESS;
import static dev.weft.controlplane.xds.translate.Translated.PRODUCTPAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import org.junit.jupiter.api.Test;

/** SDS secrets for gateway credentials: only what the proxy's Gateway servers name, from its namespace. */
class SecretTranslationTest {

  private static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [a.example.com]
          tls: {mode: SIMPLE, credentialName: a-cred}
        - port: {number: 443, name: https-m, protocol: HTTPS}
          hosts: [m.example.com]
          tls: {mode: MUTUAL, credentialName: m-cred}
        - port: {number: 443, name: https-s, protocol: HTTPS}
          hosts: [s.example.com]
          tls: {mode: MUTUAL, credentialName: "kubernetes://split"}
        - port: {number: 443, name: https-x, protocol: HTTPS}
          hosts: [x.example.com]
          tls: {mode: SIMPLE, credentialName: missing}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: a-cred, namespace: istio-system}
      type: kubernetes.io/tls
      stringData: {tls.crt: A-CERT, tls.key: A-KEY}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: m-cred, namespace: istio-system}
      stringData: {cert: M-CERT, key: M-KEY, cacert: M-CA}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: split, namespace: istio-system}
      type: kubernetes.io/tls
      stringData: {tls.crt: S-CERT, tls.key: S-KEY}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: split-cacert, namespace: istio-system}
      stringData: {ca.crt: S-CA}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: unnamed, namespace: istio-system}
      type: kubernetes.io/tls
      stringData: {tls.crt: U-CERT, tls.key: U-KEY}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: missing, namespace: default}
      type: kubernetes.io/tls
      stringData: {tls.crt: OTHER-NS-CERT, tls.key: OTHER-NS-KEY}
      """;

  @Test
  void gatewayGetsTheSecretsItsServersNameFromItsNamespace() {
    Translated t = Translated.of(INGRESS, CONFIG);
    assertThat(t.names(ResourceType.SECRET)).containsExactlyInAnyOrder(
        "kubernetes://a-cred", "kubernetes://m-cred", "kubernetes://m-cred-cacert", "kubernetes://split", "kubernetes://split-cacert");
    Secret a = secret(t, "kubernetes://a-cred");
    assertThat(a.getTlsCertificate().getCertificateChain().getInlineBytes().toStringUtf8()).isEqualTo("A-CERT");
    assertThat(a.getTlsCertificate().getPrivateKey().getInlineBytes().toStringUtf8()).isEqualTo("A-KEY");
    assertThat(secret(t, "kubernetes://m-cred-cacert").getValidationContext().getTrustedCa().getInlineBytes().toStringUtf8())
        .isEqualTo("M-CA");
    assertThat(secret(t, "kubernetes://split-cacert").getValidationContext().getTrustedCa().getInlineBytes().toStringUtf8())
        .isEqualTo("S-CA");
  }

  @Test
  void sidecarsGetNoCredentials() {
    assertThat(Translated.of(PRODUCTPAGE, CONFIG).names(ResourceType.SECRET)).isEmpty();
  }

  private static Secret secret(Translated t, String name) {
    return Translated.unpack(t.resources().of(ResourceType.SECRET).get(name), Secret.class);
  }
}
