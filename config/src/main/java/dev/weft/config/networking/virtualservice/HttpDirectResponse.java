package dev.weft.config.networking.virtualservice;

import java.util.Base64;

/** Answers the request itself with {@code status} (null when unset) and an optional body. */
public record HttpDirectResponse(Integer status, Body body) {

  /** HTTPBody: the oneof {@code specifier}, text or base64-encoded bytes. */
  public sealed interface Body {
    /** The body as sent. */
    byte[] bytes();
  }

  public record Text(String text) implements Body {
    @Override
    public byte[] bytes() {
      return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Bytes as written in YAML (base64, as protobuf JSON encodes bytes); the parser checked it decodes. */
  public record Bytes(String base64) implements Body {
    @Override
    public byte[] bytes() {
      return decode(base64);
    }

    /** Standard or URL-safe base64, padded or not, as protobuf JSON accepts. */
    static byte[] decode(String base64) {
      String s = base64.replace('-', '+').replace('_', '/');
      return Base64.getDecoder().decode(s);
    }
  }
}
