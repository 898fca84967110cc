package dev.weft.config.diag;

import java.util.ArrayList;
import java.util.List;

/** Collects diagnostics in the order they are found. Not thread-safe: one per input. */
public final class Diagnostics {
  private final List<Diagnostic> list = new ArrayList<>();

  public void add(Diagnostic d) {
    list.add(d);
  }

  public void addAll(Diagnostics other) {
    list.addAll(other.list);
  }

  public boolean hasErrors() {
    for (Diagnostic d : list) {
      if (d.level() == Level.ERROR) {
        return true;
      }
    }
    return false;
  }

  public long errorCount() {
    return list.stream().filter(d -> d.level() == Level.ERROR).count();
  }

  public List<Diagnostic> list() {
    return List.copyOf(list);
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
