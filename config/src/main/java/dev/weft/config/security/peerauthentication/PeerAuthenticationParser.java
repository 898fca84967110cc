package dev.weft.config.security.peerauthentication;

import dev.weft.config.read.FieldPaths;
import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.read.MapReader;
import dev.weft.config.security.SecurityParsers;
import dev.weft.config.yaml.YamlNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a PeerAuthentication spec. */
public final class PeerAuthenticationParser {
  private PeerAuthenticationParser() {}

  public static PeerAuthentication parse(MapReader spec) {
    return new PeerAuthentication(
        spec.object("selector", WorkloadSelector::readMatchLabels),
        spec.object("mtls", PeerAuthenticationParser::mtls),
        portLevelMtls(spec));
  }

  static PeerAuthentication.Mtls mtls(MapReader m) {
    PeerAuthentication.Mode mode = m.enumValue("mode", PeerAuthentication.Mode.class);
    return new PeerAuthentication.Mtls(mode == null ? PeerAuthentication.Mode.UNSET : mode);
  }

  /** The map's keys are port numbers written as YAML keys ({@code 8080:}); others are reported here. */
  private static Map<Long, PeerAuthentication.Mtls> portLevelMtls(MapReader spec) {
    Map<String, PeerAuthentication.Mtls> byKey = spec.objectMap("portLevelMtls", PeerAuthenticationParser::mtls);
    if (spec.raw("portLevelMtls") instanceof YamlNode.Mapping m && m.entries().isEmpty()) {
      spec.error("portLevelMtls", "port level mTLS, if defined, must have at least one element");
    }
    Map<Long, PeerAuthentication.Mtls> out = new LinkedHashMap<>();
    if (spec.raw("portLevelMtls") instanceof YamlNode.Mapping m) {
      for (YamlNode.Entry e : m.entries()) {
        PeerAuthentication.Mtls mtls = byKey.get(e.key());
        if (mtls == null) {
          continue;
        }
        try {
          out.put(Long.parseLong(e.key()), mtls);
        } catch (NumberFormatException ex) {
          spec.context().error(e.keyLine(), FieldPaths.child(spec.path() + ".portLevelMtls", e.key()),
              "invalid port \"" + e.key() + "\": the keys of portLevelMtls are port numbers");
        }
      }
    }
    return out;
  }
}
