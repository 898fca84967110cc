package dev.weft.cli;

import dev.weft.envoy.tls.Pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.weft.controlplane.ControlPlane;
import dev.weft.controlplane.store.ConfigInput;
import dev.weft.controlplane.store.WriteResult;
import dev.weft.controlplane.testing.Wait;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.bootstrap.ProxyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTPS ingress gateway through the real path: Kubernetes TLS Secrets and a Gateway with two
 * HTTPS servers (two hosts, two certificates made here with openssl) applied to a real control
 * plane, which serves them as SDS secrets to a real proxy in gateway mode; curl and openssl
 * s_client as clients. Each HTTPS server is a filter chain of its own (certificate, routes), chosen
 * by the SNI; an HTTP and an HTTPS server on one port make one listener with a plain-text chain and
 * a TLS chain.
 */
class HttpsGatewayEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NS = "gw";
  /** curl speaks HTTP/2 over TLS when the server offers h2 by ALPN, else HTTP/1.1. */
  private static final String OK_OVER_TLS = "\\AHTTP/(1\\.1|2) 200";

  @TempDir Path dir;
  private ControlPlane cp;
  private Proxy proxy;
  private HttpServer backend;
  private HttpServer backendB;
  private HttpsServer secureBackend;
  private int httpsPort;
  private int httpPort;
  private int mixedPort;
  private Path ca;

  @BeforeAll
  static void tools() {
    assumeTrue(onPath("openssl"), "openssl is not installed (Debian package openssl)");
    assumeTrue(onPath("curl"), "curl is not installed (Debian package curl)");
  }

  @BeforeEach
  void start() throws Exception {
    backend = httpBackend("backend");
    backendB = httpBackend("backend-b");
    cp = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("data")).withEphemeralPorts());
    ca = certificateAuthority();
    secureBackend = httpsBackend(leaf("secure.gw.internal", 9));
    httpsPort = freePort();
    httpPort = freePort();
    mixedPort = freePort();
    apply("secrets.yaml", tlsSecret("a-credential", leaf("a.example.com", 1)) + "---\n" + tlsSecret("b-credential", leaf("b.example.com", 2)));
    apply("gateway.yaml", gatewayYaml());
    proxy = Proxy.start(new Bootstrap("router~127.0.0.1~ingress-1.gw~gw.svc.cluster.local", "ingress.gw", ProxyType.ROUTER, NS, "",
        Map.of("istio", "ingressgateway"), "127.0.0.1", cp.xdsPort(), "127.0.0.1", 0, Duration.ofMillis(100), Duration.ofSeconds(1)),
        2, Duration.ofSeconds(1));
    Wait.until("the gateway proxy is ready", WAIT, () -> proxy.ready()
        && proxy.listenerAddress("0.0.0.0_" + httpsPort).isPresent() && proxy.listenerAddress("0.0.0.0_" + httpPort).isPresent()
        && proxy.listenerAddress("0.0.0.0_" + mixedPort).isPresent());
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    if (cp != null) {
      cp.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
    if (backendB != null) {
      backendB.stop(0);
    }
    if (secureBackend != null) {
      secureBackend.stop(0);
    }
  }

  @Test
  void servesEachHostsCertificateBySniAndRoutesHttps() throws Exception {
    Result a = run("curl", "-sS", "--max-time", "20", "--resolve", "a.example.com:" + httpsPort + ":127.0.0.1",
        "--cacert", ca.toString(), "-D", "-", "https://a.example.com:" + httpsPort + "/status/200");
    assertThat(a.exit()).as(a.output()).isZero();
    assertThat(a.output()).containsPattern(OK_OVER_TLS).contains("backend /status/200").containsIgnoringCase("x-seen-proto: https");

    assertThat(certificateServedFor("a.example.com")).contains("CN=a.example.com");
    assertThat(certificateServedFor("b.example.com")).contains("CN=b.example.com");

    // curl verifies b's certificate (chain to the CA and name) over the handshake, and b's chain
    // answers with b's routes (its own backend), not a's (which have no b.example.com: 404 NR).
    Result b = run("curl", "-sS", "--max-time", "20", "--resolve", "b.example.com:" + httpsPort + ":127.0.0.1",
        "--cacert", ca.toString(), "-D", "-", "-w", "\nverify=%{ssl_verify_result}", "https://b.example.com:" + httpsPort + "/b-path");
    assertThat(b.exit()).as(b.output()).isZero();
    assertThat(b.output()).containsPattern(OK_OVER_TLS).contains("backend-b /b-path").containsIgnoringCase("x-seen-proto: https")
        .endsWith("verify=0");
    // And a's chain does not serve b's host: each chain has its own routes.
    Result bOnA = run("curl", "-sS", "--max-time", "20", "--resolve", "a.example.com:" + httpsPort + ":127.0.0.1",
        "--cacert", ca.toString(), "-D", "-", "-o", "/dev/null", "-H", "Host: b.example.com",
        "https://a.example.com:" + httpsPort + "/b-path");
    assertThat(bOnA.output()).containsPattern("\\AHTTP/(1\\.1|2) 404").containsIgnoringCase("x-weft-response-flags: NR");
  }

  @Test
  void aClientOfferingH2GetsHttp2OverTls() throws Exception {
    Result h2 = run("curl", "-sS", "--max-time", "20", "--http2", "--resolve", "b.example.com:" + httpsPort + ":127.0.0.1",
        "--cacert", ca.toString(), "-D", "-", "https://b.example.com:" + httpsPort + "/over-h2");
    assertThat(h2.exit()).as(h2.output()).isZero();
    assertThat(h2.output()).startsWith("HTTP/2 200").contains("backend-b /over-h2").containsIgnoringCase("x-seen-proto: https");
    Result http1 = run("curl", "-sS", "--max-time", "20", "--http1.1", "--resolve", "b.example.com:" + httpsPort + ":127.0.0.1",
        "--cacert", ca.toString(), "-D", "-", "-o", "/dev/null", "https://b.example.com:" + httpsPort + "/over-h1");
    assertThat(http1.output()).startsWith("HTTP/1.1 200");
  }

  @Test
  void aPortWithAnHttpAndAnHttpsServerServesPlainTextAndTlsEachOnItsChain() throws Exception {
    Result plain = run("curl", "-sS", "--max-time", "20", "--resolve", "plain.example.com:" + mixedPort + ":127.0.0.1",
        "-D", "-", "http://plain.example.com:" + mixedPort + "/plain");
    assertThat(plain.exit()).as(plain.output()).isZero();
    assertThat(plain.output()).startsWith("HTTP/1.1 200").contains("backend /plain").containsIgnoringCase("x-seen-proto: http\r");

    Result tls = run("curl", "-sS", "--max-time", "20", "--resolve", "b.example.com:" + mixedPort + ":127.0.0.1",
        "--cacert", ca.toString(), "-D", "-", "https://b.example.com:" + mixedPort + "/tls");
    assertThat(tls.exit()).as(tls.output()).isZero();
    assertThat(tls.output()).containsPattern(OK_OVER_TLS).contains("backend-b /tls").containsIgnoringCase("x-seen-proto: https");
    assertThat(certificateServedFor(mixedPort, "b.example.com")).contains("CN=b.example.com");
  }

  @Test
  void refusesAnUnknownServerName() throws Exception {
    Result unknown = run("openssl", "s_client", "-connect", "127.0.0.1:" + httpsPort, "-servername", "other.example.com",
        "-CAfile", ca.toString());
    assertThat(unknown.output()).doesNotContain("CN=a.example.com").doesNotContain("CN=b.example.com")
        .contains("no peer certificate available");
    Result curl = run("curl", "-sS", "--max-time", "20", "--resolve", "other.example.com:" + httpsPort + ":127.0.0.1",
        "--cacert", ca.toString(), "https://other.example.com:" + httpsPort + "/");
    assertThat(curl.exit()).as(curl.output()).isNotZero();
    assertThat(proxy.stats().snapshot()).containsKey("listener.0.0.0.0_" + httpsPort + ".no_filter_chain_match");
  }

  @Test
  void httpsRedirectAnswers301() throws Exception {
    Result r = run("curl", "-sS", "--max-time", "20", "--resolve", "a.example.com:" + httpPort + ":127.0.0.1", "-D", "-", "-o",
        "/dev/null", "http://a.example.com:" + httpPort + "/headers?x=1");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).startsWith("HTTP/1.1 301").containsIgnoringCase("location: https://a.example.com:" + httpPort + "/headers?x=1");
  }

  @Test
  void aReappliedSecretServesItsNewCertificateToNewConnectionsAndKeepsOpenOnes() throws Exception {
    SSLSocket open = tlsSocket("a.example.com");
    assertThat(httpGet(open, "a.example.com")).startsWith("HTTP/1.1 200");
    BigInteger before = ((X509Certificate) open.getSession().getPeerCertificates()[0]).getSerialNumber();
    assertThat(before).isEqualTo(BigInteger.ONE);

    apply("secrets.yaml", tlsSecret("a-credential", leaf("a.example.com", 7)) + "---\n" + tlsSecret("b-credential", leaf("b.example.com", 2)));
    Wait.until("new connections get the re-applied certificate", WAIT, () -> {
      try (SSLSocket fresh = tlsSocket("a.example.com")) {
        return ((X509Certificate) fresh.getSession().getPeerCertificates()[0]).getSerialNumber().equals(BigInteger.valueOf(7));
      } catch (IOException e) {
        return false;
      }
    });
    // The connection opened before the update still works, with its certificate.
    assertThat(httpGet(open, "a.example.com")).startsWith("HTTP/1.1 200");
    assertThat(((X509Certificate) open.getSession().getPeerCertificates()[0]).getSerialNumber()).isEqualTo(before);
    open.close();
    assertThat(certificateServedFor("a.example.com")).contains("CN=a.example.com");
  }

  @Test
  void aListenerWhoseSecretHasNotArrivedWarmsUntilItDoes() throws Exception {
    int port = freePort();
    apply("late.yaml", """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: late, namespace: gw}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: %d, name: https-late, protocol: HTTPS}
            hosts: [late.example.com]
            tls: {mode: SIMPLE, credentialName: late-credential}
        """.formatted(port));
    // The proxy accepts the listener (it subscribed to and got the listener's routes, in /config_dump)
    // but, without its secret, does not serve it.
    try {
      Wait.until("the proxy received the new listener", WAIT, () -> configDump().contains("\"https." + port + ".https-late.late.gw\""));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; /config_dump: " + configDump(), e);
    }
    Thread.sleep(1_000);
    assertThat(proxy.listenerAddress("0.0.0.0_" + port)).isEmpty();

    apply("late-secret.yaml", tlsSecret("late-credential", leaf("late.example.com", 5)));
    Wait.until("the listener is served once its secret arrived", WAIT, () -> proxy.listenerAddress("0.0.0.0_" + port).isPresent());
    assertThat(certificateServedFor(port, "late.example.com")).contains("CN=late.example.com");
  }

  @Test
  void aSecretWhoseKeyIsNotTheCertificatesIsRefusedAtApply() throws Exception {
    String a = leaf("a.example.com", 3);
    String b = leaf("b.example.com", 4);
    String mismatched = tlsSecretYaml("mixed", Files.readString(dir.resolve(a + ".crt")), Files.readString(dir.resolve(b + ".key")));
    WriteResult w = cp.store().apply(List.of(new ConfigInput("mixed.yaml", mismatched)), NS);
    assertThat(w.accepted()).isFalse();
    assertThat(w.diagnostics().getFirst().format())
        .isEqualTo("mixed.yaml:9: Secret gw/mixed: data[\"tls.key\"]: private key does not match the certificate (O=weft test, CN=a.example.com)");
    WriteResult garbage = cp.store().apply(List.of(new ConfigInput("garbage.yaml", tlsSecretYaml("junk", "not a certificate", "x"))), NS);
    assertThat(garbage.accepted()).isFalse();
    assertThat(garbage.diagnostics().stream().map(d -> d.format()).toList()).contains(
        "garbage.yaml:8: Secret gw/junk: data[\"tls.crt\"]: no PEM certificate (-----BEGIN CERTIFICATE-----) found");
  }

  @Test
  void clustersWithADestinationRuleTlsConnectWithTlsAndCheckTheServersName() throws Exception {
    Result ok = run("curl", "-sS", "--max-time", "20", "--resolve", "c.example.com:" + httpPort + ":127.0.0.1", "-D", "-",
        "http://c.example.com:" + httpPort + "/over-tls");
    assertThat(ok.output()).startsWith("HTTP/1.1 200").contains("secure backend /over-tls sni=secure.gw.internal");
    Result wrong = run("curl", "-sS", "--max-time", "20", "--resolve", "d.example.com:" + httpPort + ":127.0.0.1", "-D", "-",
        "http://d.example.com:" + httpPort + "/over-tls");
    assertThat(wrong.output()).startsWith("HTTP/1.1 503").containsIgnoringCase("x-weft-response-flags: UF");
  }

  // ---- config ----

  private String gatewayYaml() {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: ingress, namespace: gw}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: %1$d, name: http, protocol: HTTP}
            hosts: [a.example.com]
            tls: {httpsRedirect: true}
          - port: {number: %1$d, name: http-upstream-tls, protocol: HTTP}
            hosts: [c.example.com, d.example.com]
          - port: {number: %2$d, name: https-a, protocol: HTTPS}
            hosts: [a.example.com]
            tls: {mode: SIMPLE, credentialName: a-credential}
          - port: {number: %2$d, name: https-b, protocol: HTTPS}
            hosts: [b.example.com]
            tls: {mode: SIMPLE, credentialName: b-credential}
          - port: {number: %6$d, name: http-mixed, protocol: HTTP}
            hosts: [plain.example.com]
          - port: {number: %6$d, name: https-mixed, protocol: HTTPS}
            hosts: [b.example.com]
            tls: {mode: SIMPLE, credentialName: b-credential}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: backend, namespace: gw}
        spec:
          hosts: [backend.gw.internal]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 80, name: http, protocol: HTTP, targetPort: %3$d}
          endpoints:
          - address: 127.0.0.1
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: backend-b, namespace: gw}
        spec:
          hosts: [backend-b.gw.internal]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 80, name: http, protocol: HTTP, targetPort: %7$d}
          endpoints:
          - address: 127.0.0.1
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: hosts, namespace: gw}
        spec:
          hosts: [a.example.com, plain.example.com]
          gateways: [ingress]
          http:
          - route:
            - destination: {host: backend.gw.internal, port: {number: 80}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: host-b, namespace: gw}
        spec:
          hosts: [b.example.com]
          gateways: [ingress]
          http:
          - route:
            - destination: {host: backend-b.gw.internal, port: {number: 80}}
        ---
        # Upstream TLS: c -> a backend serving TLS, verified against the CA with its SAN; d -> the same
        # backend expecting a name its certificate does not have.
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: secure, namespace: gw}
        spec:
          hosts: [secure.gw.internal, wrong-name.gw.internal]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 443, name: https, protocol: HTTPS, targetPort: %4$d}
          endpoints:
          - address: 127.0.0.1
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: secure, namespace: gw}
        spec:
          host: secure.gw.internal
          trafficPolicy:
            tls: {mode: SIMPLE, caCertificates: %5$s, sni: secure.gw.internal, subjectAltNames: [secure.gw.internal]}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: wrong-name, namespace: gw}
        spec:
          host: wrong-name.gw.internal
          trafficPolicy:
            tls: {mode: SIMPLE, caCertificates: %5$s, sni: wrong-name.gw.internal, subjectAltNames: [wrong-name.gw.internal]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: upstream-tls, namespace: gw}
        spec:
          hosts: [c.example.com]
          gateways: [ingress]
          http:
          - route:
            - destination: {host: secure.gw.internal, port: {number: 443}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: upstream-tls-wrong-name, namespace: gw}
        spec:
          hosts: [d.example.com]
          gateways: [ingress]
          http:
          - route:
            - destination: {host: wrong-name.gw.internal, port: {number: 443}}
        """.formatted(httpPort, httpsPort, backend.getAddress().getPort(), secureBackend.getAddress().getPort(), ca,
            mixedPort, backendB.getAddress().getPort());
  }

  private String tlsSecret(String name, String files) throws IOException {
    return tlsSecretYaml(name, Files.readString(dir.resolve(files + ".crt")), Files.readString(dir.resolve(files + ".key")));
  }

  private static String tlsSecretYaml(String name, String cert, String key) {
    Base64.Encoder b64 = Base64.getEncoder();
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: %s
          namespace: gw
        type: kubernetes.io/tls
        data:
          tls.crt: %s
          tls.key: %s
        """.formatted(name, b64.encodeToString(cert.getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(key.getBytes(StandardCharsets.UTF_8)));
  }

  private void apply(String file, String yaml) {
    WriteResult w = cp.store().apply(List.of(new ConfigInput(file, yaml)), NS);
    assertThat(w.accepted()).as(() -> w.diagnostics().toString()).isTrue();
  }

  // ---- certificates (openssl, as Istio's secure-gateway task makes them) ----

  private Path certificateAuthority() throws Exception {
    Path crt = dir.resolve("ca.crt");
    mustRun("openssl", "req", "-x509", "-sha256", "-nodes", "-days", "2", "-newkey", "rsa:2048", "-subj", "/O=weft test/CN=weft test root",
        "-keyout", dir.resolve("ca.key").toString(), "-out", crt.toString());
    return crt;
  }

  /** A leaf for {@code host} signed by the CA with the given serial; returns the file stem. */
  private String leaf(String host, int serial) throws Exception {
    String stem = host + "-" + serial;
    Path ext = dir.resolve(stem + ".ext");
    Files.writeString(ext, "subjectAltName=DNS:" + host + "\n");
    mustRun("openssl", "req", "-out", dir.resolve(stem + ".csr").toString(), "-newkey", "rsa:2048", "-nodes",
        "-keyout", dir.resolve(stem + ".key").toString(), "-subj", "/CN=" + host + "/O=weft test");
    mustRun("openssl", "x509", "-req", "-sha256", "-days", "2", "-CA", ca.toString(), "-CAkey", dir.resolve("ca.key").toString(),
        "-set_serial", Integer.toString(serial), "-in", dir.resolve(stem + ".csr").toString(), "-out", dir.resolve(stem + ".crt").toString(),
        "-extfile", ext.toString());
    return stem;
  }

  /** The subject of the certificate the gateway presents for an SNI name (openssl s_client). */
  private String certificateServedFor(String sni) throws Exception {
    return certificateServedFor(httpsPort, sni);
  }

  private String certificateServedFor(int port, String sni) throws Exception {
    Result r = run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", sni, "-CAfile", ca.toString());
    assertThat(r.output()).as(r.output()).contains("Verify return code: 0 (ok)");
    return r.output().lines().filter(l -> l.startsWith("subject=")).findFirst().orElse("").replace(" = ", "=");
  }

  /** A plain-text backend answering "<name> <uri>", with the x-forwarded-proto it saw in x-seen-proto. */
  private static HttpServer httpBackend(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", exchange -> {
      byte[] body = (name + " " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      String proto = exchange.getRequestHeaders().getFirst("x-forwarded-proto");
      exchange.getResponseHeaders().set("x-seen-proto", proto == null ? "" : proto);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  /** An HTTPS backend with the given leaf certificate, answering with the SNI it was reached by. */
  private HttpsServer httpsBackend(String stem) throws Exception {
    String keyPem = Files.readString(dir.resolve(stem + ".key"));
    byte[] der = Base64.getMimeDecoder().decode(keyPem.replaceAll("-----[A-Z ]+-----", ""));
    java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
    java.security.cert.Certificate cert;
    try (InputStream in = Files.newInputStream(dir.resolve(stem + ".crt"))) {
      cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("leaf", key, new char[0], new java.security.cert.Certificate[] {cert});
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/", exchange -> {
      String sni = "";
      if (exchange instanceof com.sun.net.httpserver.HttpsExchange https
          && https.getSSLSession() instanceof javax.net.ssl.ExtendedSSLSession session) {
        sni = session.getRequestedServerNames().stream().map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse("");
      }
      byte[] body = ("secure backend " + exchange.getRequestURI() + " sni=" + sni).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  // ---- clients ----

  private SSLSocket tlsSocket(String sni) throws IOException {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(ca)) {
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", httpsPort);
      socket.setSoTimeout(20_000);
      SSLParameters params = socket.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(sni)));
      socket.setSSLParameters(params);
      socket.startHandshake();
      return socket;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** One keep-alive HTTP/1.1 GET on an open connection; the status line and headers. */
  private static String httpGet(SSLSocket socket, String host) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET /keep HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.size() > 64 * 1024) {
        throw new IOException("connection closed in the response head: " + head.toString(StandardCharsets.US_ASCII));
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
        .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
    in.readNBytes(length);
    return headers;
  }

  private String configDump() {
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + proxy.adminPort() + "/config_dump"))
          .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  // ---- processes ----

  private record Result(int exit, String output) {}

  private static Result run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        p.getInputStream().transferTo(out);
      } catch (IOException ignored) {
        // process gone
      }
    });
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
    }
    reader.join(5_000);
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  private static void mustRun(String... command) throws Exception {
    Result r = run(command);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + r.output());
    }
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
