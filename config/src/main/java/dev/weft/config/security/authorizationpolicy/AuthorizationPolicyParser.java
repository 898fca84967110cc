package dev.weft.config.security.authorizationpolicy;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.read.MapReader;
import dev.weft.config.security.SecurityParsers;
import dev.weft.config.security.authorizationpolicy.AuthorizationPolicy.Action;
import dev.weft.config.yaml.YamlNode;

/** Reads an AuthorizationPolicy spec. */
public final class AuthorizationPolicyParser {
  private AuthorizationPolicyParser() {}

  public static AuthorizationPolicy parse(MapReader spec) {
    Action action = spec.enumValue("action", Action.class);
    return new AuthorizationPolicy(
        spec.object("selector", WorkloadSelector::readMatchLabels),
        spec.object("targetRef", SecurityParsers::targetRef),
        spec.list("targetRefs", SecurityParsers::targetRef),
        spec.list("rules", AuthorizationPolicyParser::rule),
        action == null ? Action.ALLOW : action,
        spec.object("provider", p -> new AuthorizationPolicy.ExtensionProvider(p.string("name"))));
  }

  static AuthorizationPolicy.Rule rule(MapReader r) {
    // "from: []" and "to: []" say nothing and Istio refuses them; the model cannot tell them from absent.
    emptyListIsAnError(r, "from");
    emptyListIsAnError(r, "to");
    return new AuthorizationPolicy.Rule(
        r.list("from", f -> new AuthorizationPolicy.From(f.object("source", AuthorizationPolicyParser::source))),
        r.list("to", t -> new AuthorizationPolicy.To(t.object("operation", AuthorizationPolicyParser::operation))),
        r.list("when", c -> new AuthorizationPolicy.Condition(c.string("key"), c.strings("values"), c.strings("notValues"))));
  }

  private static void emptyListIsAnError(MapReader r, String key) {
    if (r.raw(key) instanceof YamlNode.Sequence s && s.items().isEmpty()) {
      r.error(key, "`" + key + "` must not be empty");
    }
  }

  static AuthorizationPolicy.Source source(MapReader s) {
    return new AuthorizationPolicy.Source(
        s.strings("principals"),
        s.strings("notPrincipals"),
        s.strings("requestPrincipals"),
        s.strings("notRequestPrincipals"),
        s.strings("namespaces"),
        s.strings("notNamespaces"),
        s.strings("ipBlocks"),
        s.strings("notIpBlocks"),
        s.strings("remoteIpBlocks"),
        s.strings("notRemoteIpBlocks"));
  }

  static AuthorizationPolicy.Operation operation(MapReader o) {
    return new AuthorizationPolicy.Operation(
        o.strings("hosts"),
        o.strings("notHosts"),
        o.strings("ports"),
        o.strings("notPorts"),
        o.strings("methods"),
        o.strings("notMethods"),
        o.strings("paths"),
        o.strings("notPaths"));
  }
}
