package dev.vigil.config;

import java.util.Collection;
import java.util.Locale;

/** Suggests the closest known name for a misspelt one (optimal string alignment distance). */
final class DidYouMean {
  private DidYouMean() {}

  /** The closest candidate within a typo's reach of {@code word}, or {@code null}. */
  static String closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String w = word.toLowerCase(Locale.ROOT);
    for (String candidate : candidates) {
      int d = distance(w, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    // A third of the word may be wrong (at least one edit, at most three): beyond that a
    // "suggestion" is a guess that misleads more than it helps. Words under four letters only
    // get case corrections: 'tpu' is not a typo of 'cpu'.
    int reach = word.length() < 4 ? 0 : Math.max(1, Math.min(3, word.length() / 3));
    return bestDistance <= reach ? best : null;
  }

  /** Damerau-Levenshtein distance, restricted (optimal string alignment) variant. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
