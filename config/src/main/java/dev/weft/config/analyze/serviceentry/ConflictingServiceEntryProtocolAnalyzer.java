package dev.weft.config.analyze.serviceentry;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Names;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.serviceentry.ServiceEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * IST0177: ServiceEntries visible in a common namespace define the same host and port with different
 * protocols; which one a proxy uses is undefined. Hosts are compared as written. Each ServiceEntry is
 * reported at most once. After Istio's serviceentry.ConflictingServiceEntryProtocolAnalyzer.
 */
public final class ConflictingServiceEntryProtocolAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "serviceentry.ConflictingServiceEntryProtocolAnalyzer";
  }

  @Override
  public String description() {
    return "Checks if multiple ServiceEntries define the same host and port with different protocols";
  }

  /** A port of a ServiceEntry as one of the host's definitions in one scope. */
  private record Definition(String protocol, Resource<ServiceEntry> source) {}

  private record Key(String scope, String host, int port) {}

  @Override
  public void analyze(AnalysisContext ctx) {
    Map<Key, List<Definition>> index = new LinkedHashMap<>();
    for (Resource<ServiceEntry> r : ctx.all(Kind.SERVICE_ENTRY, ServiceEntry.class)) {
      ServiceEntry se = r.spec();
      for (String scope : Names.scopes(se.exportTo(), r.namespace())) {
        for (String host : se.hosts()) {
          for (ServiceEntry.Port p : se.ports()) {
            Key key = new Key(scope, host, p.number() == null ? 0 : p.number());
            index.computeIfAbsent(key, k -> new ArrayList<>()).add(new Definition(p.protocol() == null ? "" : p.protocol(), r));
          }
        }
      }
    }
    Set<ResourceKey> reported = new HashSet<>();
    for (Map.Entry<Key, List<Definition>> e : index.entrySet()) {
      Key key = e.getKey();
      List<Definition> defs = new ArrayList<>(e.getValue());
      if (!key.scope().equals("*")) {
        // a ServiceEntry exported everywhere is also seen in this namespace
        defs.addAll(index.getOrDefault(new Key("*", key.host(), key.port()), List.of()));
      }
      Set<String> protocols = new TreeSet<>();
      defs.forEach(d -> protocols.add(d.protocol().toUpperCase(Locale.ROOT)));
      if (protocols.size() < 2) {
        continue;
      }
      Set<String> names = new TreeSet<>();
      defs.forEach(d -> names.add(Names.full(d.source())));
      for (Definition d : defs) {
        if (reported.add(d.source().key())) {
          ctx.report(MessageType.CONFLICTING_SERVICE_ENTRY_PROTOCOL, d.source(), "metadata.name",
              String.join(", ", names), key.host(), key.port(), String.join(", ", protocols));
        }
      }
    }
  }
}
