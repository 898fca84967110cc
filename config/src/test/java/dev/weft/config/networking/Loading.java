package dev.weft.config.networking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.ConfigLoader;
import java.util.List;

/** Loads YAML text through the real loader, as {@code weft validate} does, for kind tests. */
public final class Loading {
  private Loading() {}

  /** Every diagnostic, formatted as the command line prints it ("t.yaml:7: Kind ns/name: path: message"). */
  public static List<String> messages(String yaml) {
    return new ConfigLoader().addText("t.yaml", yaml).diagnostics().list().stream().map(Diagnostic::format).toList();
  }

  /** The spec of the single resource in {@code yaml}, which must load without any diagnostic. */
  public static <T> T spec(String yaml, Class<T> type) {
    ConfigLoader loader = new ConfigLoader().addText("t.yaml", yaml);
    assertThat(loader.diagnostics().list()).as("diagnostics").isEmpty();
    assertThat(loader.resources()).hasSize(1);
    return loader.resources().getFirst().as(type).spec();
  }
}
