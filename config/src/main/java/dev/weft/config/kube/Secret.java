package dev.weft.config.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes Secret (e.g. a gateway's TLS credential).
 *
 * @param type as written; null means Opaque
 * @param data values as written, base64
 * @param stringData values in clear text (Kubernetes merges them into data on write)
 */
public record Secret(String type, Map<String, String> data, Map<String, String> stringData) {
  public static final String TLS = "kubernetes.io/tls";

  public Secret {
    data = Map.copyOf(data);
    stringData = Map.copyOf(stringData);
  }

  public boolean has(String key) {
    return data.containsKey(key) || stringData.containsKey(key);
  }

  /** The bytes of {@code key} (stringData wins, as in Kubernetes); empty when absent or not base64. */
  public Optional<byte[]> bytes(String key) {
    String clear = stringData.get(key);
    if (clear != null) {
      return Optional.of(clear.getBytes(StandardCharsets.UTF_8));
    }
    String encoded = data.get(key);
    if (encoded == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(encoded));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Decodes a data value as Kubernetes does (standard base64, padded; line breaks ignored). */
  public static byte[] decode(String base64) {
    return Base64.getDecoder().decode(base64.replace("\r", "").replace("\n", ""));
  }
}
