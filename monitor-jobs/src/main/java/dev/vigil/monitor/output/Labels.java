package dev.vigil.monitor.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Class names by index, from a labels file (one label per line, index = line number, starting
 * at 0). Immutable and safe to share between threads.
 *
 * <p>When no labels file is configured, {@link #none()} names class {@code i} {@code "i"}.
 */
public final class Labels {
  private static final Labels NONE = new Labels(List.of());

  private final List<String> names;
  private final Map<String, Integer> indexByName;

  private Labels(List<String> names) {
    this.names = List.copyOf(names);
    this.indexByName = new HashMap<>();
    for (int i = 0; i < this.names.size(); i++) {
      indexByName.putIfAbsent(this.names.get(i), i);
    }
  }

  /** No labels file: classes are named by their index. */
  public static Labels none() {
    return NONE;
  }

  /** Labels in index order. */
  public static Labels of(List<String> names) {
    return names.isEmpty() ? NONE : new Labels(names);
  }

  /**
   * Reads a labels file: one label per line, index = line number (0-based). Trailing blank lines
   * are ignored; a blank line inside the file is an error because it would shift every index.
   *
   * @throws IOException when the file cannot be read, or names the blank line
   */
  public static Labels load(Path file) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.isEmpty()) {
        throw new IOException(
            "labels file " + file + ": line " + (i + 1)
                + " is blank; every line names the class whose index is the line number - 1,"
                + " so remove the blank line or give the class a name");
      }
      lines.set(i, l);
    }
    return of(lines);
  }

  /** Number of labels in the file (0 for {@link #none()}). */
  public int size() {
    return names.size();
  }

  /** The label of class {@code index}, or the index itself as text when the file has none. */
  public String name(int index) {
    return index >= 0 && index < names.size() ? names.get(index) : Integer.toString(index);
  }

  /** The index of {@code label}, or -1 when the file does not name it. */
  public int indexOf(String label) {
    Integer i = indexByName.get(label);
    return i == null ? -1 : i;
  }
}
