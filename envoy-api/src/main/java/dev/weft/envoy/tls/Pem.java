package dev.weft.envoy.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys, read with the JDK only: X.509 certificates, PKCS#8 keys
 * ({@code BEGIN PRIVATE KEY}, what OpenSSL 3 writes) and PKCS#1 RSA keys ({@code BEGIN RSA PRIVATE
 * KEY}, what older OpenSSL writes), wrapped into PKCS#8 here. Encrypted keys and SEC1 EC keys are
 * refused with a message saying how to convert them. Shared by the control plane (checking Secrets
 * at apply) and the proxy (building TLS contexts from SDS secrets).
 */
public final class Pem {
  private Pem() {}

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** One PEM block: its label ("CERTIFICATE", "PRIVATE KEY", ...) and DER bytes. */
  public record Block(String label, byte[] der) {}

  public static List<Block> blocks(String pem) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("PEM block " + m.group(1) + " is not valid base64");
      }
      out.add(new Block(m.group(1), der));
    }
    return out;
  }

  /** The certificates of a PEM chain, leaf first; refuses text holding none. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(pem)) {
        if (b.label().equals("CERTIFICATE")) {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid X.509 certificate: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----) found");
    }
    return out;
  }

  /** The first private key of a PEM text. */
  public static PrivateKey privateKey(String pem) {
    for (Block b : blocks(pem)) {
      switch (b.label()) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der());
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(rsaPkcs1ToPkcs8(b.der()));
        }
        case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
            "encrypted private keys are not supported: decrypt it (openssl pkcs8 -topk8 -nocrypt)");
        case "EC PRIVATE KEY" -> throw new IllegalArgumentException(
            "SEC1 EC private keys are not supported: convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
        default -> {}
      }
    }
    throw new IllegalArgumentException("no PEM private key (-----BEGIN PRIVATE KEY-----) found");
  }

  private static PrivateKey pkcs8(byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("not a valid RSA, EC or Ed25519 private key");
  }

  /** PKCS#8 PrivateKeyInfo { version 0, AlgorithmIdentifier rsaEncryption NULL, OCTET STRING pkcs1 }. */
  static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length;
    if (n < 0x80) {
      length = new byte[] {(byte) n};
    } else if (n < 0x100) {
      length = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      length = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }

  /** Whether {@code key} is the private half of {@code cert}'s public key (sign and verify a probe). */
  public static boolean matches(PrivateKey key, X509Certificate cert) {
    PublicKey pub = cert.getPublicKey();
    if (key instanceof RSAPrivateCrtKey rsa && pub instanceof RSAPublicKey rsaPub) {
      return rsa.getModulus().equals(rsaPub.getModulus()) && rsa.getPublicExponent().equals(rsaPub.getPublicExponent());
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "RSA" -> "SHA256withRSA";
      default -> null;
    };
    if (algorithm == null || !key.getAlgorithm().equals(pub.getAlgorithm()) && !(algorithm.equals("Ed25519"))) {
      return false;
    }
    try {
      byte[] probe = "weft key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
