package dev.weft.bench.proxy;

import java.nio.charset.StandardCharsets;

/** The backend's response body: printable, fixed size, ending in a newline. */
final class Body {
  private Body() {}

  static byte[] bytes(int size) {
    StringBuilder b = new StringBuilder(size);
    String line = "weft proxy benchmark: a fixed body of printable bytes ";
    while (b.length() < size - 1) {
      b.append(line.charAt(b.length() % line.length()));
    }
    b.append('\n');
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
