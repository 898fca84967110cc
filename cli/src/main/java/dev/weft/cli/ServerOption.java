package dev.weft.cli;

import picocli.CommandLine.Option;

/** {@code --server}: where the control plane's admin API is. */
final class ServerOption {
  static final String DEFAULT = "http://127.0.0.1:15014";

  @Option(names = "--server", paramLabel = "URL",
      description = "control plane admin API (default: $WEFT_SERVER, else " + DEFAULT + ")")
  String server;

  String url() {
    if (server != null && !server.isEmpty()) {
      return server;
    }
    String env = System.getenv("WEFT_SERVER");
    return env != null && !env.isEmpty() ? env : DEFAULT;
  }

  ApiClient client() {
    return new ApiClient(url());
  }
}
