package dev.weft.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.config.yaml.YamlNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/** A YAML tree as JSON, each scalar as the type YAML's core schema gave it (as kubectl shows YAML as JSON). */
public final class YamlJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private YamlJson() {}

  public static JsonNode toJson(YamlNode node) {
    return switch (node) {
      case YamlNode.Mapping m -> {
        ObjectNode o = F.objectNode();
        for (YamlNode.Entry e : m.entries()) {
          o.set(e.key(), toJson(e.value()));
        }
        yield o;
      }
      case YamlNode.Sequence s -> {
        ArrayNode a = F.arrayNode();
        for (YamlNode item : s.items()) {
          a.add(toJson(item));
        }
        yield a;
      }
      case YamlNode.Scalar s -> scalar(s);
    };
  }

  private static JsonNode scalar(YamlNode.Scalar s) {
    String v = s.value();
    return switch (s.type()) {
      case STRING -> F.textNode(v);
      case NULL -> F.nullNode();
      case BOOL -> F.booleanNode(v.equalsIgnoreCase("true"));
      case INT -> integer(v);
      case FLOAT -> floating(v);
    };
  }

  private static JsonNode integer(String v) {
    String t = v.replace("_", "");
    boolean negative = t.startsWith("-");
    String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    try {
      BigInteger n;
      if (digits.startsWith("0x")) {
        n = new BigInteger(digits.substring(2), 16);
      } else if (digits.startsWith("0o")) {
        n = new BigInteger(digits.substring(2), 8);
      } else {
        n = new BigInteger(digits);
      }
      return F.numberNode(negative ? n.negate() : n);
    } catch (NumberFormatException e) {
      return F.textNode(v);
    }
  }

  private static JsonNode floating(String v) {
    try {
      return F.numberNode(new BigDecimal(v));
    } catch (NumberFormatException e) {
      return F.textNode(v); // .inf, .nan: JSON has no such numbers
    }
  }
}
