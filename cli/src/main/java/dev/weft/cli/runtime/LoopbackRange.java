package dev.weft.cli.runtime;

/**
 * The loopback addresses of a local mesh: every workload gets its own address ("pod IP") in a
 * range of 127.0.0.0/8 (all of it is loopback on Linux, no set-up needed), so every sidecar uses
 * Istio's standard ports on its own address and nothing clashes. Written {@code 127.0.10.0/24};
 * address 1 of the range is the mesh's own (gateway admin), workloads take 2, 3, ...
 *
 * @param base   the range's first address as an int (network order)
 * @param prefix the prefix length, 8..30
 */
public record LoopbackRange(int base, int prefix) {

  public static final String DEFAULT = "127.0.10.0/24";

  public LoopbackRange {
    if (prefix < 8 || prefix > 30) {
      throw new IllegalArgumentException("prefix must be /8../30, not /" + prefix);
    }
    if ((base >>> 24) != 127) {
      throw new IllegalArgumentException("the range must be inside 127.0.0.0/8 (loopback)");
    }
  }

  /** Parses {@code 127.0.10.0/24} (a bare address means /24). */
  public static LoopbackRange parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    int prefix = 24;
    try {
      if (slash >= 0) {
        prefix = Integer.parseInt(t.substring(slash + 1));
        t = t.substring(0, slash);
      }
      String[] parts = t.split("\\.", -1);
      if (parts.length != 4) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      int addr = 0;
      for (String p : parts) {
        int b = Integer.parseInt(p);
        if (b < 0 || b > 255) {
          throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        addr = (addr << 8) | b;
      }
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      return new LoopbackRange(addr & mask, prefix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a range like " + DEFAULT + ": " + text);
    }
  }

  /** How many addresses the range gives workloads (network and broadcast left out). */
  public int size() {
    return (1 << (32 - prefix)) - 2;
  }

  /** The {@code index}th address (1-based). */
  public String address(int index) {
    if (index < 1 || index > size()) {
      throw new IllegalArgumentException("the range " + this + " has no address number " + index);
    }
    int a = base + index;
    return (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
  }

  @Override
  public String toString() {
    return (base >>> 24) + "." + ((base >>> 16) & 255) + "." + ((base >>> 8) & 255) + "." + (base & 255) + "/" + prefix;
  }
}
