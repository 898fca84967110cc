package dev.weft.config.networking.virtualservice;

import dev.weft.config.model.Ordered;
import java.util.List;
import java.util.Map;

/** Header changes for requests (before forwarding) and responses (before returning); null when absent. */
public record Headers(HeaderOperations request, HeaderOperations response) {

  /** Overwrite ({@code set}), append ({@code add}) and remove headers. Values may use Envoy's %VAR% syntax. */
  public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {
    public HeaderOperations {
      set = Ordered.copyOf(set);
      add = Ordered.copyOf(add);
      remove = List.copyOf(remove);
    }
  }
}
