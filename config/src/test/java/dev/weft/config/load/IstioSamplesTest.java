package dev.weft.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Istio's own sample YAML (bookinfo, httpbin, helloworld, tcp-echo, curl) is read and valid, file by file. */
class IstioSamplesTest {

  @TestFactory
  Stream<DynamicTest> everySampleFileIsValid() throws IOException {
    List<Path> files = Inputs.expand(Corpus.samples());
    assertThat(files).hasSizeGreaterThan(40);
    return files.stream().map(f -> DynamicTest.dynamicTest(Corpus.samples().relativize(f).toString(), () -> {
      ConfigLoader loader = new ConfigLoader().addPath(f);
      // Warnings are allowed: Istio warns too (fault-injection-details-v1.yaml has a rule that can never match).
      assertThat(loader.diagnostics().list()).filteredOn(d -> d.level() == Level.ERROR).extracting(Diagnostic::format).isEmpty();
    }));
  }

  @Test
  void bookinfoIsReadWithEveryKindItUses() {
    ConfigLoader loader = new ConfigLoader().addPath(Corpus.samples().resolve("bookinfo/platform/kube/bookinfo.yaml"))
        .addPath(Corpus.samples().resolve("bookinfo/networking/bookinfo-gateway.yaml"))
        .addPath(Corpus.samples().resolve("bookinfo/networking/destination-rule-all.yaml"));
    Set<Kind> kinds = loader.resources().stream().map(Resource::kind).collect(Collectors.toSet());
    assertThat(kinds).contains(Kind.GATEWAY, Kind.VIRTUAL_SERVICE);
    assertThat(loader.diagnostics().list()).isEmpty();
    assertThat(Files.exists(Corpus.samples())).isTrue();
  }
}
