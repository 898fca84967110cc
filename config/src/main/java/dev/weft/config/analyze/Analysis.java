package dev.weft.config.analyze;

import dev.weft.config.model.ConfigSet;
import dev.weft.config.read.Suggestions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Runs analyzers over a config snapshot: all of them, or a chosen few. */
public final class Analysis {
  /** istioctl's output order: level (errors first), code, resource, then the text. */
  public static final Comparator<AnalysisMessage> ISTIOCTL_ORDER = Comparator
      .comparing(AnalysisMessage::level)
      .thenComparing(AnalysisMessage::code)
      .thenComparing(m -> m.resource().toString())
      .thenComparing(AnalysisMessage::format);

  private final List<Analyzer> analyzers;

  private Analysis(List<Analyzer> analyzers) {
    this.analyzers = List.copyOf(analyzers);
  }

  /** Every analyzer Weft has. */
  public static Analysis all() {
    return new Analysis(Analyzers.ALL);
  }

  /**
   * The named analyzers: Istio's full name ({@code gateway.ConflictingGatewayAnalyzer}) or its last
   * part ({@code ConflictingGatewayAnalyzer}), case-insensitive.
   *
   * @throws IllegalArgumentException for a name no analyzer has, with a suggestion
   */
  public static Analysis named(Collection<String> names) {
    List<Analyzer> chosen = new ArrayList<>();
    for (String n : names) {
      Analyzer a = find(n);
      if (a == null) {
        List<String> known = Analyzers.ALL.stream().map(Analyzer::name).toList();
        throw new IllegalArgumentException("unknown analyzer \"" + n + "\"" + Suggestions.hint(n, known));
      }
      if (!chosen.contains(a)) {
        chosen.add(a);
      }
    }
    return new Analysis(chosen);
  }

  /** Whether an analyzer of that name exists (see {@link #named}). */
  public static boolean exists(String name) {
    return find(name) != null;
  }

  private static Analyzer find(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Analyzer a : Analyzers.ALL) {
      String full = a.name().toLowerCase(Locale.ROOT);
      if (full.equals(n) || full.substring(full.lastIndexOf('.') + 1).equals(n)) {
        return a;
      }
    }
    return null;
  }

  public List<Analyzer> analyzers() {
    return analyzers;
  }

  /** Every message every analyzer reported, in report order, duplicates kept (as Istio's tests see them). */
  public List<AnalysisMessage> run(ConfigSet config, MeshConfig mesh) {
    AnalysisContext ctx = new AnalysisContext(config, mesh);
    for (Analyzer a : analyzers) {
      a.analyze(ctx);
    }
    return ctx.messages();
  }

  /** What istioctl prints: sorted, and a message that reads exactly like the one before it dropped. */
  public static List<AnalysisMessage> sortedDeduped(List<AnalysisMessage> messages) {
    List<AnalysisMessage> sorted = new ArrayList<>(messages);
    sorted.sort(ISTIOCTL_ORDER);
    List<AnalysisMessage> out = new ArrayList<>();
    for (AnalysisMessage m : sorted) {
      if (out.isEmpty() || !out.getLast().format().equals(m.format())) {
        out.add(m);
      }
    }
    return out;
  }
}
