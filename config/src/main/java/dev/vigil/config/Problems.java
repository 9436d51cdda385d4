package dev.vigil.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Collects every problem of one load so they are all reported at once. */
final class Problems {
  private final List<String> problems = new ArrayList<>();
  // Paths already reported at their source (an unset env variable): later checks on the same
  // value would only repeat the cause in other words.
  private final Set<String> silenced = new HashSet<>();
  private final Set<String> paths = new HashSet<>();

  void add(String path, String message) {
    if (!isSilenced(path)) {
      addAlways(path, message);
    }
  }

  /** Reports even under a silenced path: a misspelt key is wrong whatever its value. */
  void addAlways(String path, String message) {
    paths.add(path);
    String line = path + ": " + message;
    if (!problems.contains(line)) {
      problems.add(line);
    }
  }

  /** Reports {@code message} and silences later problems at or below {@code path}. */
  void addAndSilence(String path, String message) {
    // Always added: one value may reference several unset variables, each worth a line.
    addAlways(path, message);
    silenced.add(path);
  }

  boolean isSilenced(String path) {
    for (String s : silenced) {
      if (path.equals(s) || path.startsWith(s + ".") || path.startsWith(s + "[")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reports a cross-field problem unless one of the {@code involved} paths already has one:
   * a value that was rejected (and replaced by its default) must not start a second,
   * misleading complaint.
   */
  void addIfClean(String path, String message, String... involved) {
    if (paths.contains(path)) {
      return;
    }
    for (String p : involved) {
      if (paths.contains(p) || isSilenced(p)) {
        return;
      }
    }
    add(path, message);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  List<String> list() {
    return List.copyOf(problems);
  }
}
