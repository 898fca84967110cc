package dev.weft.config.testing;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.Resource;
import java.util.List;

/** YAML text loaded through the real loader, as {@code weft validate} would: its resources and messages. */
public record Loaded(List<Resource<?>> resources, List<Diagnostic> diagnostics) {

  public static final String FILE = "t.yaml";

  public static Loaded of(String yaml) {
    ConfigLoader loader = new ConfigLoader().addText(FILE, yaml);
    return new Loaded(loader.resources(), loader.diagnostics().list());
  }

  /** The spec of the single resource in {@code yaml}, which must load without any message. */
  public static <T> T spec(String yaml, Class<T> type) {
    return of(yaml).single(type).spec();
  }

  /** Every message {@code yaml} gives, as printed. */
  public static List<String> messagesOf(String yaml) {
    return of(yaml).messages();
  }

  /** Every message as printed: "t.yaml:12: Kind ns/name: path: message". */
  public List<String> messages() {
    return diagnostics.stream().map(Diagnostic::format).toList();
  }

  /** The only resource, narrowed to its spec type; fails when there is not exactly one or there are messages. */
  public <T> Resource<T> single(Class<T> type) {
    if (!diagnostics.isEmpty() || resources.size() != 1) {
      throw new AssertionError("expected one resource and no messages, got " + resources + " and " + messages());
    }
    return resources.getFirst().as(type);
  }
}
