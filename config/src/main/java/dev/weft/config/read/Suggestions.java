package dev.weft.config.read;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?" for misspelt field and enum names. */
public final class Suggestions {
  private Suggestions() {}

  /** The candidate nearest to {@code word}, or null when none is near enough to be a likely typo. */
  public static String nearest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = word.toLowerCase(Locale.ROOT);
    for (String c : candidates) {
      int d = c.toLowerCase(Locale.ROOT).equals(lower) ? 0 : distance(lower, c.toLowerCase(Locale.ROOT)) + 1;
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    int allowed = Math.max(2, word.length() / 3) + 1;
    return bestDistance <= allowed ? best : null;
  }

  /** " (did you mean "x"?)" or "". */
  public static String hint(String word, Collection<String> candidates) {
    String n = nearest(word, candidates);
    return n == null ? "" : " (did you mean \"" + n + "\"?)";
  }

  /** Levenshtein distance, two rows. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
