package dev.weft.config.analyze;

import dev.weft.config.model.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Kubernetes equality label selectors, as Istio's analyzers use them ({@code labels.SelectorFromSet}). */
public final class Selectors {
  private Selectors() {}

  /** Every selector key is present in {@code labels} with the same value; an empty selector selects everything. */
  public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** {@code app=reviews,version=v1}: keys sorted, "" for an empty selector (Kubernetes' Selector.String()). */
  public static String toString(Map<String, String> selector) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(selector).entrySet()) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  /** The first key of the selector in {@link #toString} order, for the field path of its line; null if empty. */
  public static String firstKey(Map<String, String> selector) {
    return selector.isEmpty() ? null : new TreeMap<>(selector).firstKey();
  }

  /** The resources (pods) whose labels the selector matches. */
  public static <R extends Resource<?>> List<R> selected(Map<String, String> selector, List<R> candidates) {
    List<R> out = new ArrayList<>();
    for (R r : candidates) {
      if (matches(selector, r.meta().labels())) {
        out.add(r);
      }
    }
    return out;
  }
}
