package dev.weft.config.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every PeerAuthentication, RequestAuthentication and AuthorizationPolicy in Istio's samples and
 * analyzer inputs loads without a message (the analyzer inputs are where the corpus has them).
 */
class SecurityCorpusTest {
  private static final Set<Kind> SECURITY = EnumSet.of(Kind.PEER_AUTHENTICATION, Kind.REQUEST_AUTHENTICATION, Kind.AUTHORIZATION_POLICY);

  @Test
  void everySecurityPolicyInTheCorpusLoads() throws IOException {
    List<String> problems = new ArrayList<>();
    int loaded = 0;
    List<Path> files = new ArrayList<>();
    for (Path root : List.of(Corpus.samples(), Corpus.analyzerTestdata())) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
    }
    for (Path f : files) {
      ConfigLoader loader = new ConfigLoader().addPath(f);
      for (Diagnostic d : loader.diagnostics().list()) {
        if (SECURITY.stream().anyMatch(k -> d.resource().startsWith(k.kindName() + " "))) {
          problems.add(d.format());
        }
      }
      for (Resource<?> r : loader.resources()) {
        loaded += SECURITY.contains(r.kind()) ? 1 : 0;
      }
    }
    assertThat(problems).isEmpty();
    assertThat(loaded).as("security policies in the corpus").isGreaterThanOrEqualTo(12);
  }
}
