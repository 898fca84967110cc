package dev.weft.cli.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A process of the local mesh, as started: its command line and environment, where it logs, its
 * address and ports, and the URL that says it is healthy.
 *
 * @param kind controlplane, gateway, sidecar or app
 */
public record Component(String name, String kind, List<String> command, Map<String, String> env, Path log, String address,
    Map<String, Integer> ports, String health) {
  public Component {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    ports = Map.copyOf(ports);
  }
}
