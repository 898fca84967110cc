package dev.weft.cli.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one supervisor (a {@code weft up}, or a {@code weft run}) has running, kept in
 * {@code <run-dir>/state/<owner>.json} so that {@code weft down} and {@code weft status} work from
 * another shell. Rewritten whole (temp file + rename) on every change; removed on a clean stop.
 *
 * @param owner          "mesh" for {@code weft up}, the workload name for {@code weft run}
 * @param supervisorPid  the supervising {@code weft} process
 * @param supervisorStart its start time (epoch millis), so a reused pid is never mistaken for it
 * @param controlPlane   the control plane's admin API URL
 * @param gateway        the ingress gateway's address (host:port), "" when none
 * @param ipRange        the loopback range the workloads' addresses come from
 * @param processes      every process it supervises
 */
public record RunState(String owner, long supervisorPid, long supervisorStart, String controlPlane, String gateway, String ipRange,
    List<Entry> processes) {

  public RunState {
    processes = List.copyOf(processes);
  }

  /**
   * One supervised process.
   *
   * @param kind     controlplane, gateway, sidecar or app
   * @param address  its loopback address
   * @param ports    its ports by use (admin, http, inbound, http-proxy, app, xds)
   * @param health   the URL that answers 200 when it is healthy
   * @param log      its log file
   * @param restarts how often it was restarted after dying
   */
  public record Entry(String name, String kind, long pid, long start, String address, Map<String, Integer> ports, String health,
      String log, int restarts) {
    public Entry {
      ports = Map.copyOf(ports);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static Path dir(Path runDir) {
    return runDir.resolve("state");
  }

  public static Path file(Path runDir, String owner) {
    return dir(runDir).resolve(owner + ".json");
  }

  public void write(Path runDir) throws IOException {
    Path target = file(runDir, owner);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(owner + ".json.tmp");
    Files.write(tmp, JSON.writeValueAsBytes(this));
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Every state file of a run directory ("mesh" first); unreadable files are skipped. */
  public static List<RunState> readAll(Path runDir) {
    List<RunState> out = new ArrayList<>();
    Path dir = dir(runDir);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
        try {
          out.add(JSON.readValue(f.toFile(), RunState.class));
        } catch (IOException e) {
          // a state file being replaced or damaged: nothing to act on
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort((a, b) -> a.owner().equals("mesh") ? -1 : b.owner().equals("mesh") ? 1 : a.owner().compareTo(b.owner()));
    return out;
  }

  /** Whether the supervisor that wrote this is still running. */
  public boolean supervisorAlive() {
    return ProcessTree.find(supervisorPid, supervisorStart).isPresent();
  }
}
