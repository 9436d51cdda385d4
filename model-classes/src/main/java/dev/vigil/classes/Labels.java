package dev.vigil.classes;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Class names by index: the {@code endpoints[].labels} file, read the same way by the monitor,
 * saliency replay, alerts and the demo, so one class has one name in every report and e-mail.
 *
 * <p>The file rule:
 *
 * <ul>
 *   <li>UTF-8 text, one label per line; line {@code i + 1} names class {@code i}. A leading byte
 *       order mark is skipped and {@code \n}, {@code \r\n} and {@code \r} all end a line.
 *   <li>Labels are stripped of surrounding white space.
 *   <li>Blank lines at the end of the file are ignored (editors add them).
 *   <li>A blank line before the last label is an error naming its line number: it would silently
 *       shift every later class by one.
 * </ul>
 *
 * <p>A class the file does not name (an index past its end, or every class without a file) is
 * named by its index as text, {@code "3"}. That name is also a key in report.json, baselines,
 * {@code constraints.json} overrides and metric tags, so it must not change between versions;
 * readable text prints the index next to it ("class 3").
 *
 * <p>Immutable and thread-safe.
 */
public final class Labels {
  private static final Labels NONE = new Labels(List.of());

  private final List<String> names;
  private final Map<String, Integer> indexByName;

  private Labels(List<String> names) {
    this.names = List.copyOf(names);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < this.names.size(); i++) {
      index.putIfAbsent(this.names.get(i), i); // a duplicated label means its first class
    }
    this.indexByName = Map.copyOf(index);
  }

  /** No labels file: every class is named by its index. */
  public static Labels none() {
    return NONE;
  }

  /**
   * Labels in index order.
   *
   * @throws IllegalArgumentException if a label is blank (the file rule, applied to lists too)
   */
  public static Labels of(List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i) == null || names.get(i).isBlank()) {
        throw new IllegalArgumentException(
            "label " + i + " is blank: give every class a name");
      }
    }
    return names.isEmpty() ? NONE : new Labels(names);
  }

  /**
   * Reads a labels file by the rule of the class comment.
   *
   * @throws IllegalArgumentException naming the file (and line) when it is missing, unreadable,
   *     not UTF-8 or has a blank line among its labels
   */
  public static Labels read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "labels file " + file + " does not exist: fix endpoints[].labels or create the file");
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "labels file " + file + " is not UTF-8 text: save it as UTF-8", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "labels file " + file + " cannot be read: " + e.getMessage(), e);
    }
    return parse(lines, "labels file " + file);
  }

  /** The file rule on lines already split; {@code source} names them in the error. */
  static Labels parse(List<String> lines, String source) {
    List<String> names = new ArrayList<>(lines.size());
    for (String line : lines) {
      names.add(line.strip());
    }
    if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
      names.set(0, names.get(0).substring(1).strip());
    }
    int end = names.size();
    while (end > 0 && names.get(end - 1).isEmpty()) {
      end--;
    }
    for (int i = 0; i < end; i++) {
      if (names.get(i).isEmpty()) {
        throw new IllegalArgumentException(
            source + ": line " + (i + 1) + " is blank, which would shift every later class;"
                + " delete the line or write the name of class " + i + " on it");
      }
    }
    return end == 0 ? NONE : new Labels(names.subList(0, end));
  }

  /** The name of a class the labels do not name: its index as text. */
  public static String unlabelled(int index) {
    return Integer.toString(index);
  }

  /** Number of labels (0 for {@link #none()}). */
  public int size() {
    return names.size();
  }

  /** The labels in index order. */
  public List<String> names() {
    return names;
  }

  /** The label of class {@code index}, or {@link #unlabelled(int)} past the end of the labels. */
  public String name(int index) {
    return index >= 0 && index < names.size() ? names.get(index) : unlabelled(index);
  }

  /** The index of {@code label}, or -1 when the labels do not name it. */
  public int indexOf(String label) {
    return indexByName.getOrDefault(label, -1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels l && l.names.equals(names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return "Labels" + names;
  }
}
