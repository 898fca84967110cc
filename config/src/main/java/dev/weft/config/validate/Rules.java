package dev.weft.config.validate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.weft.config.read.GoDuration;
import java.time.Duration;

/**
 * Istio's shared validation rules (istio/pkg/config/validation): durations, percentages,
 * regular expressions, counts; names and hosts are in {@link HostRules}, addresses in
 * {@link AddressRules}, headers in {@link HeaderRules}, labels in {@link LabelRules}. Each check reports into a {@link Validation} at a path and
 * returns whether the value was valid, so callers can skip follow-on checks.
 */
public final class Rules {
  private static final int MAX_REGEX_LENGTH = 1024;

  private Rules() {}

  /** Istio's ValidateDuration: at least 1ms, in whole milliseconds. */
  public static boolean duration(Validation v, String path, Duration d) {
    if (d == null) {
      return true;
    }
    if (d.isNegative() || d.compareTo(Duration.ofMillis(1)) < 0) {
      v.error(path, "duration must be at least 1ms, got " + GoDuration.format(d));
      return false;
    }
    if (d.toNanos() % 1_000_000 != 0) {
      v.error(path, "only durations to millisecond precision are supported, got " + GoDuration.format(d));
      return false;
    }
    return true;
  }

  /** Percentages are 0..100 (fractional allowed). */
  public static boolean percent(Validation v, String path, Double p) {
    if (p != null && (p.isNaN() || p < 0 || p > 100)) {
      v.error(path, "must be 0..100, got " + formatNumber(p));
      return false;
    }
    return true;
  }

  /**
   * A regular expression that compiles under RE2 semantics (as Envoy's safe_regex requires). Like
   * Istio, at most 1024 characters: Envoy bounds the RE2 program size, which length approximates.
   */
  public static boolean regex(Validation v, String path, String regex) {
    if (regex == null) {
      return true;
    }
    if (regex.length() > MAX_REGEX_LENGTH) {
      v.error(path, "regex is too large, max length allowed is " + MAX_REGEX_LENGTH);
      return false;
    }
    try {
      Pattern.compile(regex);
      return true;
    } catch (PatternSyntaxException e) {
      v.error(path, "\"" + regex + "\" is not a valid RE2 regular expression: " + e.getDescription());
      return false;
    }
  }

  /** Counts such as maxConnections that Istio requires to be non-negative; {@code what} names them as Istio does. */
  public static boolean nonNegative(Validation v, String path, Number n, String what) {
    if (n != null && n.longValue() < 0) {
      v.error(path, what + " must be non-negative");
      return false;
    }
    return true;
  }

  public static String formatNumber(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
