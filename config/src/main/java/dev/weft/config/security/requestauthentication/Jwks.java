package dev.weft.config.security.requestauthentication;

import dev.weft.config.yaml.YamlDocument;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlReader;
import dev.weft.config.yaml.YamlSyntaxException;
import java.util.List;

/**
 * The structural check Istio makes of an inline JSON Web Key Set (jwk.Parse): JSON holding either a
 * set ({@code {"keys": [...]}}) or one key, each key an object with a "kty". JSON is read with the
 * YAML reader (JSON is YAML), so its limits apply here too.
 */
final class Jwks {
  private Jwks() {}

  /** Why {@code json} is not a key set, or null when it is one. */
  static String problem(String json) {
    List<YamlDocument> docs;
    try {
      docs = new YamlReader().read(json);
    } catch (YamlSyntaxException e) {
      return "invalid JSON: " + e.getMessage();
    }
    if (docs.size() != 1 || docs.getFirst().root() == null) {
      return "expected one JSON object";
    }
    if (!(docs.getFirst().root() instanceof YamlNode.Mapping set)) {
      return "expected a JSON object, got " + docs.getFirst().root().typeName();
    }
    YamlNode keys = set.get("keys");
    if (keys == null) {
      return key(set, "key");
    }
    if (!(keys instanceof YamlNode.Sequence seq)) {
      return "\"keys\" must be an array";
    }
    for (int i = 0; i < seq.items().size(); i++) {
      String p = key(seq.items().get(i), "keys[" + i + "]");
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static String key(YamlNode key, String where) {
    if (!(key instanceof YamlNode.Mapping m)) {
      return where + " must be an object";
    }
    if (!(m.get("kty") instanceof YamlNode.Scalar kty) || kty.value().isEmpty()) {
      return where + " has no \"kty\" (key type)";
    }
    return null;
  }
}
