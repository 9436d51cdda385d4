package dev.vigil.saliency.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class names: the {@code labels} file of an endpoint, one label per line, index = line number
 * (0-based). Classes beyond the file, or without a file, are called {@code class N}.
 */
public record Labels(List<String> names) {
  public Labels {
    names = List.copyOf(names);
  }

  /** No file: every class is {@code class N}. */
  public static Labels none() {
    return new Labels(List.of());
  }

  /**
   * Reads a labels file (UTF-8; trailing blank lines ignored, inner ones kept so indices hold).
   *
   * @throws IllegalArgumentException naming the file when it is missing or unreadable
   */
  public static Labels read(Path file) {
    List<String> lines;
    try {
      lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("labels file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "labels file " + file + " cannot be read as UTF-8 text: " + e.getMessage(), e);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    return new Labels(lines.stream().map(String::strip).toList());
  }

  /** The label of class {@code index}. */
  public String name(int index) {
    if (index >= 0 && index < names.size() && !names.get(index).isEmpty()) {
      return names.get(index);
    }
    return "class " + index;
  }
}
