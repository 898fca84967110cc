package dev.weft.config.analyze;

/**
 * One cross-resource check, after one of Istio's analyzers. Reads the config through the context and
 * reports what it finds there; holds no state between runs.
 */
public interface Analyzer {
  /** Istio's name for the analyzer, e.g. {@code gateway.ConflictingGatewayAnalyzer}. */
  String name();

  /** One line for {@code weft analyze --list-analyzers}. */
  String description();

  void analyze(AnalysisContext ctx);
}
