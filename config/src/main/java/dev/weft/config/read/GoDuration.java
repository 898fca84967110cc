package dev.weft.config.read;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as Istio's YAML writes them: Go's {@code time.ParseDuration} syntax ("10s", "1.5s",
 * "100ms", "1h30m"), which is what Istio's API accepts for its protobuf Duration fields.
 */
public final class GoDuration {
  private GoDuration() {}

  /** @throws IllegalArgumentException with a message fit for the user */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw invalid(text);
      }
      BigDecimal number;
      try {
        number = new BigDecimal(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unit =
          switch (s.substring(unitStart, i)) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw invalid(text);
          };
      nanos = nanos.add(number.multiply(BigDecimal.valueOf(unit)));
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("duration " + text + " is too large");
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return negative ? d.negated() : d;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid duration \"" + text + "\" (use e.g. 10s, 1.5s, 250ms, 1h30m)");
  }

  /** Back to the short text form, e.g. "1.5s", "250ms", "0s". */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    if (n % 1_000_000_000L == 0) {
      return (n / 1_000_000_000L) + "s";
    }
    if (n % 1_000_000L == 0 && Math.abs(n) < 1_000_000_000L) {
      return (n / 1_000_000L) + "ms";
    }
    return BigDecimal.valueOf(n).movePointLeft(9).stripTrailingZeros().toPlainString() + "s";
  }
}
