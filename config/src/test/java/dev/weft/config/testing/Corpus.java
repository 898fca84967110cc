package dev.weft.config.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds Istio's sample and analyzer-test YAML (../shared/istio-corpus, read-only), wherever the
 * checkout sits: set -Dweft.corpus=DIR, or it is looked for in "shared/istio-corpus" beside each
 * parent of the working directory.
 */
public final class Corpus {
  private Corpus() {}

  public static Path root() {
    String prop = System.getProperty("weft.corpus");
    if (prop != null) {
      return Path.of(prop);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/istio-corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("istio-corpus not found: expected shared/istio-corpus beside a parent of "
        + Path.of("").toAbsolutePath() + " (or set -Dweft.corpus)");
  }

  public static Path samples() {
    return root().resolve("samples");
  }

  public static Path analyzerTestdata() {
    return root().resolve("pkg/config/analysis/analyzers/testdata");
  }

  /** The repository root (the directory holding the parent pom and ./weft). */
  public static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("weft")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
  }
}
