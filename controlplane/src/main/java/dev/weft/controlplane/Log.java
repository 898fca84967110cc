package dev.weft.controlplane;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One-line log messages of the control plane on standard error: time, level, message. */
public final class Log {
  private static volatile PrintStream out = System.err;

  private Log() {}

  public static void info(String message) {
    print("INFO", message);
  }

  public static void warn(String message) {
    print("WARN", message);
  }

  /** Tests send the log elsewhere. */
  public static void to(PrintStream stream) {
    out = stream;
  }

  private static void print(String level, String message) {
    out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + message);
  }
}
