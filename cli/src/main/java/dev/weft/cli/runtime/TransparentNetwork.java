package dev.weft.cli.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weft.proxy.listener.filter.IstioCaptureRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code weft up --transparent}: the network of a mesh whose workloads live in network namespaces,
 * as Kubernetes pods with Istio's init container do.
 * <ul>
 *   <li>A bridge {@code weftbr<run>} in the root namespace holds address 1 of a /24 (the "node");
 *       the control plane's xDS listens there, so sidecars reach it from their namespaces.</li>
 *   <li>Each workload: namespace {@code weft-<run>-<workload>}, a veth pair (host end on the
 *       bridge, the other end {@code eth0} inside) with its own address ("pod IP"), a default
 *       route via the bridge, and Istio's iptables nat rules ({@link IstioCaptureRules}): outbound TCP
 *       to 15001 except the sidecar's own (uid {@value #SIDECAR_UID}) and loopback, inbound TCP to
 *       15006.</li>
 *   <li>Service names resolve through {@code /etc/netns/<ns>/hosts} (bind-mounted over /etc/hosts by
 *       {@code ip netns exec}) to a per-service virtual IP, Istio's ClusterIP: an address nothing
 *       answers, so a connection only works when the capture takes it (virtualOutbound hands it to
 *       {@code 0.0.0.0_<port>}, which routes by Host). An endpoint's address would hide a missing
 *       capture by answering directly.</li>
 * </ul>
 * Everything is recorded in {@code <run-dir>/network.json} before it is made, so
 * {@link #teardown} removes it all from any process, also after a crash of {@code weft up}.
 */
public final class TransparentNetwork {
  /** Istio's proxy uid: the sidecar runs as this uid and its own traffic is not captured. */
  public static final int SIDECAR_UID = IstioCaptureRules.ISTIO_PROXY_UID;
  public static final int OUTBOUND_CAPTURE_PORT = IstioCaptureRules.OUTBOUND_PORT;
  public static final int INBOUND_CAPTURE_PORT = IstioCaptureRules.INBOUND_PORT;
  /** Virtual IPs of services: from this host number of the /24 upwards. */
  static final int FIRST_VIP = 200;

  /** Where {@code ip netns exec} looks for a namespace's /etc files; removed again when weft made it and it is empty. */
  private static final Path ETC_NETNS = Path.of("/etc/netns");
  private static final Pattern NAME = Pattern.compile("weft-[a-z0-9][a-z0-9-]{0,60}");
  private static final Pattern LINK = Pattern.compile("weft[a-z0-9-]{1,11}");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One thing made, recorded before it is made.
   *
   * @param kind  netns (a namespace), link (a bridge or veth in the root namespace), hosts (the
   *              {@code /etc/netns/<name>} directory) or rule (a root-namespace iptables rule, args
   *              as given to {@code -A})
   */
  public record Created(String kind, String name, List<String> args) {
    public Created {
      args = List.copyOf(args);
    }
  }

  /** What {@code network.json} holds. */
  public record Record(String run, String subnet, List<Created> created) {
    public Record {
      created = List.copyOf(created);
    }
  }

  /** A workload's place: its namespace, its address. */
  public record Placement(String namespace, String address) {}

  private final Path runDir;
  private final String run;
  private final int base; // the /24's network address
  private final List<Created> created = new ArrayList<>();
  private final Map<String, Placement> placements = new LinkedHashMap<>();
  private final Map<String, String> serviceVips = new LinkedHashMap<>();

  private TransparentNetwork(Path runDir, String run, int base) {
    this.runDir = runDir;
    this.run = run;
    this.base = base;
  }

  public static Path file(Path runDir) {
    return runDir.resolve("network.json");
  }

  /** Why this machine cannot run {@code --transparent}, or null when it can. */
  public static String unsupported() {
    return unsupported(System.getProperty("os.name", ""), isRoot(), tool -> which(tool) != null);
  }

  static String unsupported(String os, boolean root, java.util.function.Predicate<String> hasTool) {
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
      return "--transparent needs Linux (network namespaces and iptables); this is " + os;
    }
    if (!root) {
      return "--transparent needs root (it creates network namespaces, veth pairs and iptables rules): run it with sudo, "
          + "or use the default mode (own loopback address per workload, HTTP_PROXY), which does not";
    }
    for (String tool : List.of("ip", "iptables", "setpriv")) {
      if (!hasTool.test(tool)) {
        return "--transparent needs `" + tool + "` on the PATH (Debian: apt-get install -y iproute2 iptables util-linux)";
      }
    }
    return null;
  }

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static Path which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool);
      }
    }
    return null;
  }

  /**
   * A /24 for the mesh: {@code subnet} when given ("auto" or null: a 10.x.y.0/24 that no address or
   * route of this machine overlaps).
   */
  static int chooseSubnet(String subnet) throws IOException {
    List<int[]> taken = new ArrayList<>();
    for (String cmd : List.of("ip -o -4 route show table all", "ip -o -4 addr show")) {
      for (String word : exec(List.of(cmd.split(" "))).split("\\s+")) {
        if (word.matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) {
          taken.add(cidr(word.contains("/") ? word : word + "/32"));
        }
      }
    }
    if (subnet != null && !subnet.isBlank() && !subnet.equals("auto")) {
      int[] c = cidr(subnet.contains("/") ? subnet : subnet + "/24");
      if (c[1] != 24) {
        throw new IOException("--transparent-subnet must be a /24 (one address per workload and per service), not /" + c[1]);
      }
      for (int[] t : taken) {
        if (overlaps(c, t)) {
          throw new IOException("--transparent-subnet " + subnet + " overlaps a route or address of this machine (" + text(t[0]) + "/" + t[1] + ")");
        }
      }
      return c[0];
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int[] c = {(10 << 24) | (r.nextInt(200, 250) << 16) | (r.nextInt(0, 256) << 8), 24};
      if (taken.stream().noneMatch(t -> t[1] > 0 && overlaps(c, t))) {
        return c[0];
      }
    }
    throw new IOException("no free 10.x.y.0/24 for the namespaces: pass --transparent-subnet");
  }

  private static int[] cidr(String text) throws IOException {
    String[] parts = text.split("/");
    String[] bytes = parts[0].split("\\.");
    try {
      if (bytes.length != 4) {
        throw new NumberFormatException();
      }
      int a = 0;
      for (String b : bytes) {
        int v = Integer.parseInt(b);
        if (v < 0 || v > 255) {
          throw new NumberFormatException();
        }
        a = (a << 8) | v;
      }
      int prefix = Integer.parseInt(parts[1]);
      if (prefix < 0 || prefix > 32) {
        throw new NumberFormatException();
      }
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      return new int[] {a & mask, prefix};
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new IOException("not an IPv4 CIDR: " + text);
    }
  }

  private static boolean overlaps(int[] a, int[] b) {
    int p = Math.min(a[1], b[1]);
    int mask = p == 0 ? 0 : -1 << (32 - p);
    return (a[0] & mask) == (b[0] & mask);
  }

  static String text(int a) {
    return (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
  }

  /**
   * Creates the bridge, and per workload its namespace, veth, address, routes, capture rules and
   * hosts file. On failure, removes what it made and throws.
   *
   * @param workloads workload name to its service name
   */
  public static TransparentNetwork create(Path runDir, String subnet, Map<String, String> workloads) throws IOException {
    if (workloads.size() > FIRST_VIP - 2) {
      throw new IOException("too many workloads for one /24");
    }
    String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    TransparentNetwork n = new TransparentNetwork(runDir, run, chooseSubnet(subnet));
    try {
      n.build(workloads);
      return n;
    } catch (IOException | RuntimeException e) {
      teardown(runDir);
      throw e;
    }
  }

  private void build(Map<String, String> workloads) throws IOException {
    String bridge = "weftbr" + run;
    record(new Created("link", bridge, List.of()));
    exec("ip", "link", "add", bridge, "type", "bridge");
    exec("ip", "addr", "add", bridgeAddress() + "/24", "dev", bridge);
    exec("ip", "link", "set", bridge, "up");
    // Bridged traffic between namespaces passes FORWARD when br_netfilter is loaded (Docker's hosts
    // set its policy to DROP): let the mesh's own traffic through.
    List<String> forward = List.of("FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT");
    record(new Created("rule", bridge, forward));
    exec(concat(List.of("iptables", "-I"), forward));

    int vip = FIRST_VIP;
    for (String service : new java.util.TreeSet<>(workloads.values())) {
      serviceVips.put(service, text(base + vip++));
    }
    if (!Files.exists(ETC_NETNS)) {
      record(new Created("etc-netns", "weft-etc-netns", List.of()));
    }
    int host = 2;
    for (String workload : workloads.keySet()) {
      addNamespace(workload, host++, bridge);
    }
  }

  /** One workload's namespace on the bridge: veth, address, default route, Istio's capture rules, hosts file. */
  private void addNamespace(String workload, int host, String bridge) throws IOException {
    String ns = "weft-" + run + "-" + workload.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (!NAME.matcher(ns).matches()) {
      throw new IOException("workload name not usable for a namespace: " + workload);
    }
    placements.put(workload, new Placement(ns, text(base + host)));
    String hostEnd = "weft" + run + "h" + host;
    String nsEnd = "weft" + run + "n" + host;
    record(new Created("netns", ns, List.of()));
    record(new Created("hosts", ns, List.of()));
    record(new Created("link", hostEnd, List.of()));
    exec("ip", "netns", "add", ns);
    Path etc = ETC_NETNS.resolve(ns);
    Files.createDirectories(etc);
    Files.writeString(etc.resolve("hosts"), hosts(workload));
    exec("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd);
    exec("ip", "link", "set", hostEnd, "master", bridge);
    exec("ip", "link", "set", hostEnd, "up");
    exec("ip", "link", "set", nsEnd, "netns", ns);
    exec("ip", "-n", ns, "link", "set", nsEnd, "name", "eth0");
    exec("ip", "-n", ns, "addr", "add", placements.get(workload).address() + "/24", "dev", "eth0");
    exec("ip", "-n", ns, "link", "set", "eth0", "up");
    exec("ip", "-n", ns, "link", "set", "lo", "up");
    exec("ip", "-n", ns, "route", "add", "default", "via", bridgeAddress());
    for (String rule : IstioCaptureRules.rules(SIDECAR_UID)) {
      exec(concat(List.of("ip", "netns", "exec", ns, "iptables"), List.of(rule.split(" "))));
    }
  }

  /**
   * {@code weft run} into a mesh that {@code weft up --transparent} runs: one more namespace on its
   * bridge, made as {@code weft up} makes them and recorded in the same network.json (so
   * {@code weft down}, or the next {@code weft up}, removes it whatever happens to this process).
   * A service the mesh does not have yet gets the next free virtual IP, added to every namespace's
   * hosts file (the file {@code ip netns exec} mounts is edited in place, so running programs see
   * it). {@link #leave} takes it out again.
   */
  public static TransparentNetwork join(Path runDir, String workload, String service) throws IOException {
    try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(runDir.resolve("network.lock"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE); var held = lock.lock()) {
      Record r = JSON.readValue(file(runDir).toFile(), Record.class);
      TransparentNetwork n = new TransparentNetwork(runDir, r.run(), cidr(r.subnet())[0]);
      n.created.addAll(r.created());
      int host = 1;
      Pattern hostLink = Pattern.compile("weft" + Pattern.quote(r.run()) + "h([0-9]+)");
      List<Path> hostsFiles = new ArrayList<>();
      for (Created c : r.created()) {
        java.util.regex.Matcher m = hostLink.matcher(c.name());
        if (c.kind().equals("link") && m.matches()) {
          host = Math.max(host, Integer.parseInt(m.group(1)));
        }
        if (c.kind().equals("hosts")) {
          hostsFiles.add(ETC_NETNS.resolve(c.name()).resolve("hosts"));
        }
      }
      if (host + 1 >= FIRST_VIP) {
        throw new IOException("no address left in " + r.subnet());
      }
      // The services' virtual IPs, as the mesh's hosts files have them.
      int nextVip = FIRST_VIP;
      for (Path h : hostsFiles) {
        if (!Files.isRegularFile(h)) {
          continue;
        }
        for (String line : Files.readAllLines(h)) {
          String[] f = line.strip().split("\\s+");
          if (f.length >= 3 && !line.startsWith("#") && f[2].equals(f[1] + ".default")) {
            n.serviceVips.putIfAbsent(f[1], f[0]);
            nextVip = Math.max(nextVip, Integer.parseInt(f[0].substring(f[0].lastIndexOf('.') + 1)) + 1);
          }
        }
      }
      if (!n.serviceVips.containsKey(service)) {
        if (nextVip > 254) {
          throw new IOException("no virtual IP left in " + r.subnet());
        }
        n.serviceVips.put(service, text(n.base + nextVip));
        String line = n.serviceVips.get(service) + " " + service + " " + service + ".default " + service + ".default.svc " + service
            + ".default.svc.cluster.local\n";
        for (Path h : hostsFiles) {
          if (Files.isRegularFile(h)) {
            Files.writeString(h, line, java.nio.file.StandardOpenOption.APPEND);
          }
        }
      }
      try {
        n.addNamespace(workload, host + 1, "weftbr" + r.run());
      } catch (IOException | RuntimeException e) {
        n.leave(workload);
        throw e;
      }
      return n;
    }
  }

  /** Removes what {@link #join} made for {@code workload} and drops it from network.json. */
  public void leave(String workload) {
    Placement p = placements.get(workload);
    if (p == null) {
      return;
    }
    try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(runDir.resolve("network.lock"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE); var held = lock.lock()) {
      String hostEnd = "weft" + run + "h" + p.address().substring(p.address().lastIndexOf('.') + 1); // the /24's host number
      if (Files.exists(Path.of("/run/netns", p.namespace()))) {
        run(List.of("ip", "netns", "delete", p.namespace()));
      }
      deleteTree(ETC_NETNS.resolve(p.namespace()));
      if (Files.exists(Path.of("/sys/class/net", hostEnd))) {
        run(List.of("ip", "link", "delete", hostEnd));
      }
      if (Files.isRegularFile(file(runDir))) {
        Record r = JSON.readValue(file(runDir).toFile(), Record.class);
        created.clear();
        r.created().stream().filter(c -> !c.name().equals(p.namespace()) && !c.name().equals(hostEnd)).forEach(created::add);
        Path tmp = file(runDir).resolveSibling("network.json.tmp");
        Files.write(tmp, JSON.writeValueAsBytes(new Record(run, subnet(), created)));
        Files.move(tmp, file(runDir), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      // what is left stays in network.json: weft down removes it
    }
  }

  private String hosts(String workload) {
    StringBuilder b = new StringBuilder("# weft up --transparent: services resolve to their virtual IP (Istio's ClusterIP),\n"
        + "# which only the sidecar's outbound capture (15001) answers.\n127.0.0.1 localhost\n");
    b.append(placements.get(workload).address()).append(' ').append(workload).append('\n');
    serviceVips.forEach((service, vip) -> b.append(vip).append(' ').append(service).append(' ').append(service).append(".default ")
        .append(service).append(".default.svc ").append(service).append(".default.svc.cluster.local\n"));
    return b.toString();
  }

  public String bridgeAddress() {
    return text(base + 1);
  }

  public String subnet() {
    return text(base) + "/24";
  }

  public Placement placement(String workload) {
    return placements.get(workload);
  }

  public Map<String, String> serviceVips() {
    return Collections.unmodifiableMap(serviceVips);
  }

  /**
   * The sidecars run as uid {@value #SIDECAR_UID}: they must be able to read java, the class path
   * and the run directory (a checkout in a home directory of mode 750 is not). Throws with the
   * first path they cannot read.
   */
  public static void checkSidecarCanRead(List<Path> paths) throws IOException {
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + SIDECAR_UID, "--regid=" + SIDECAR_UID, "--clear-groups",
        "/bin/sh", "-c", "for f; do [ -r \"$f\" ] || { echo \"$f\"; exit 1; }; done", "sh"));
    paths.forEach(p -> command.add(p.toAbsolutePath().toString()));
    try {
      exec(command);
    } catch (IOException e) {
      String what = e.getMessage().substring(e.getMessage().lastIndexOf(": ") + 2);
      throw new IOException("--transparent runs the sidecars as uid " + SIDECAR_UID + " (Istio's proxy uid), which cannot read "
          + what + ": put the checkout and --run-dir where other users can read them (e.g. under /opt or /srv)");
    }
  }

  /** {@code ip netns exec NS} + the command: the application, as root, its traffic captured. */
  public static List<String> inNamespace(String ns, List<String> command) {
    return concat(List.of("ip", "netns", "exec", ns), command);
  }

  /** The sidecar's command: in the namespace as uid {@value #SIDECAR_UID}, whose traffic the rules leave alone. */
  public static List<String> asSidecar(String ns, List<String> command) {
    return concat(List.of("ip", "netns", "exec", ns, "setpriv", "--reuid=" + SIDECAR_UID, "--regid=" + SIDECAR_UID,
        "--clear-groups"), command);
  }

  private synchronized void record(Created c) throws IOException {
    created.add(c);
    Path target = file(runDir);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("network.json.tmp");
    Files.write(tmp, JSON.writeValueAsBytes(new Record(run, subnet(), created)));
    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Removes everything {@code network.json} records (last made first; what is already gone is
   * skipped), then the file. Returns what could not be removed (empty: all gone).
   */
  public static List<String> teardown(Path runDir) {
    Path f = file(runDir);
    List<String> left = new ArrayList<>();
    if (!Files.isRegularFile(f)) {
      return left;
    }
    Record r;
    try {
      r = JSON.readValue(f.toFile(), Record.class);
    } catch (IOException e) {
      left.add(f + " unreadable: " + e.getMessage());
      return left;
    }
    List<Created> all = new ArrayList<>(r.created());
    Collections.reverse(all);
    for (Created c : all) {
      try {
        switch (c.kind()) {
          case "netns" -> {
            requireName(NAME, c.name());
            // Deleting the namespace removes its eth0 (and so the veth's host end) and its rules.
            if (Files.exists(Path.of("/run/netns", c.name()))) {
              exec("ip", "netns", "delete", c.name());
            }
          }
          case "hosts" -> {
            requireName(NAME, c.name());
            deleteTree(ETC_NETNS.resolve(c.name()));
          }
          case "link" -> {
            requireName(LINK, c.name());
            if (Files.exists(Path.of("/sys/class/net", c.name()))) {
              exec("ip", "link", "delete", c.name());
            }
          }
          case "rule" -> {
            requireName(LINK, c.name());
            if (run(concat(List.of("iptables", "-C"), c.args())) == 0) {
              exec(concat(List.of("iptables", "-D"), c.args()));
            }
          }
          case "etc-netns" -> {
            try (Stream<Path> entries = Files.exists(ETC_NETNS) ? Files.list(ETC_NETNS) : Stream.empty()) {
              if (Files.exists(ETC_NETNS) && entries.findAny().isEmpty()) {
                Files.delete(ETC_NETNS);
              }
            }
          }
          default -> left.add("unknown record " + c);
        }
      } catch (IOException e) {
        left.add(c.kind() + " " + c.name() + ": " + e.getMessage());
      }
    }
    if (left.isEmpty()) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        left.add(f + ": " + e.getMessage());
      }
    }
    return left;
  }

  private static void requireName(Pattern p, String name) throws IOException {
    if (!p.matcher(name).matches()) {
      throw new IOException("not a name weft makes: " + name);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static void exec(String... command) throws IOException {
    exec(List.of(command));
  }

  /** Runs a command to its end (bounded); its output, or an IOException naming it and its error. */
  private static String exec(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    byte[] out = p.getInputStream().readNBytes(1 << 20);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + ": " + text.strip());
    }
    return text;
  }

  private static int run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
