package dev.weft.config.analyze;

import java.util.Collection;
import java.util.List;

/**
 * Renders Istio's message templates, which use Go's fmt verbs: {@code %s} and {@code %v} (a list
 * prints as {@code [a b]}), {@code %d}, {@code %q} (a Go-quoted string; a list of quoted strings)
 * and {@code %%}. Only what the templates use.
 */
public final class GoFormat {
  private GoFormat() {}

  public static String format(String template, List<?> args) {
    StringBuilder sb = new StringBuilder(template.length() + 32);
    int next = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c != '%' || i + 1 == template.length()) {
        sb.append(c);
        continue;
      }
      char verb = template.charAt(++i);
      if (verb == '%') {
        sb.append('%');
        continue;
      }
      if (next >= args.size()) {
        sb.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      Object arg = args.get(next++);
      sb.append(verb == 'q' ? quoted(arg) : plain(arg));
    }
    return sb.toString();
  }

  private static String plain(Object arg) {
    if (arg instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : c) {
        if (sb.length() > 1) {
          sb.append(' ');
        }
        sb.append(plain(o));
      }
      return sb.append(']').toString();
    }
    return String.valueOf(arg);
  }

  private static String quoted(Object arg) {
    if (arg instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : c) {
        if (sb.length() > 1) {
          sb.append(' ');
        }
        sb.append(quoted(o));
      }
      return sb.append(']').toString();
    }
    return quote(String.valueOf(arg));
  }

  /** Go's strconv.Quote for the characters config text holds. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
