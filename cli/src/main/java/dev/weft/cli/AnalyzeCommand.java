package dev.weft.cli;

import dev.weft.config.analyze.Analysis;
import dev.weft.config.analyze.AnalysisMessage;
import dev.weft.config.analyze.DefaultResources;
import dev.weft.config.analyze.MeshConfig;
import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Diagnostics;
import dev.weft.config.diag.Level;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.load.Inputs;
import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Resource;
import dev.weft.config.yaml.YamlLimits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weft analyze -f ...}: cross-resource checks with istioctl's message codes, levels and text.
 * Like {@code istioctl analyze} on files, it assumes Istio's default ingress gateway Pod and Service
 * in istio-system and the default mesh config (or {@code --meshConfigFile}).
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Cross-resource analysis with istioctl's message codes (IST0101, ...). Exit code 1 on any Error "
        + "(or any input that does not validate).")
final class AnalyzeCommand implements Callable<Integer> {
  @Mixin ConfigInputs inputs;
  @Spec CommandSpec spec;

  enum Format { log, json }

  @Option(names = {"-o", "--output"}, defaultValue = "log", paramLabel = "FORMAT",
      description = "output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  Format output;

  @Option(names = "--analyzer", paramLabel = "NAME",
      description = "run only this analyzer (e.g. gateway.ConflictingGatewayAnalyzer); repeatable")
  List<String> analyzers;

  @Option(names = "--meshConfigFile", paramLabel = "FILE",
      description = "mesh config to analyze with (the 'mesh' data of Istio's ConfigMap); default: Istio's defaults")
  Path meshConfigFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Analysis analysis;
    try {
      analysis = analyzers == null || analyzers.isEmpty() ? Analysis.all() : Analysis.named(analyzers);
    } catch (IllegalArgumentException e) {
      err.println("weft analyze: " + e.getMessage());
      err.flush();
      return 2;
    }
    Diagnostics problems = new Diagnostics();
    MeshConfig mesh = meshConfig(problems);
    ConfigLoader loader = inputs.load(System.in);
    problems.addAll(loader.diagnostics());
    for (Diagnostic d : problems.list()) {
      err.println(d.format());
    }
    // resources that failed validation are analyzed too (istioctl does), valid ones win a key clash
    List<Resource<?>> all = new ArrayList<>(loader.invalidResources());
    all.addAll(loader.resources());
    ConfigSet config = DefaultResources.withDefaults(all, mesh);
    List<AnalysisMessage> messages = Analysis.sortedDeduped(analysis.run(config, mesh));

    if (output == Format.json) {
      out.println(json(messages));
    } else if (messages.isEmpty()) {
      Set<String> badFiles = new LinkedHashSet<>();
      problems.list().stream().filter(d -> d.level() == Level.ERROR).forEach(d -> badFiles.add(d.file()));
      if (badFiles.isEmpty()) {
        err.println("\u2714 No validation issues found when analyzing all namespaces.");
      } else {
        err.println("No validation issues found when analyzing all namespaces (but " + badFiles.size()
            + (badFiles.size() == 1 ? " file" : " files") + " could not be fully read, see above).");
      }
    } else {
      for (AnalysisMessage m : messages) {
        out.println(m.format());
      }
    }
    out.flush();
    err.flush();
    boolean analysisErrors = messages.stream().anyMatch(m -> m.level() == Level.ERROR);
    return analysisErrors || problems.hasErrors() ? 1 : 0;
  }

  private MeshConfig meshConfig(Diagnostics problems) {
    if (meshConfigFile == null) {
      return MeshConfig.defaults();
    }
    Inputs.Text t = Inputs.readFile(meshConfigFile, meshConfigFile.toString(), YamlLimits.DEFAULT.maxBytes());
    if (t.error() != null) {
      problems.add(new Diagnostic(Level.ERROR, t.name(), 0, "", "", t.error()));
      return MeshConfig.defaults();
    }
    return MeshConfig.parse(t.name(), t.text(), problems);
  }

  /** istioctl's {@code -o json}: an array of objects, keys in Go's (sorted) order, tab-indented. */
  static String json(List<AnalysisMessage> messages) {
    if (messages.isEmpty()) {
      return "[]";
    }
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < messages.size(); i++) {
      AnalysisMessage m = messages.get(i);
      sb.append("\t{\n");
      field(sb, "code", m.code(), false);
      field(sb, "documentationUrl", m.type().documentationUrl(), false);
      field(sb, "level", m.level().label(), false);
      field(sb, "message", m.message(), false);
      field(sb, "origin", m.resource().toString(), false);
      field(sb, "reference", m.origin().toString(), true);
      sb.append(i + 1 < messages.size() ? "\t},\n" : "\t}\n");
    }
    return sb.append(']').toString();
  }

  private static void field(StringBuilder sb, String key, String value, boolean last) {
    sb.append("\t\t\"").append(key).append("\": ").append(jsonString(value)).append(last ? "\n" : ",\n");
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        // Go's encoder escapes these so the output can be embedded in HTML
        case '<' -> sb.append("\\u003c");
        case '>' -> sb.append("\\u003e");
        case '&' -> sb.append("\\u0026");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
