package dev.vigil.alerts;

import java.util.List;
import java.util.Objects;

/**
 * A further section of an alert and its report page, after the charts: a title, a few lines of
 * figures and optionally a picture (e.g. the model-side signals' input embeddings). Lines come
 * from data and are escaped when rendered. The PNG is not copied.
 *
 * @param id a stable id (HTML id and e-mail Content-ID stem), letters, digits and dashes
 * @param title the heading
 * @param lines the figures, one sentence each
 * @param chartPng a picture, or null
 * @param chartCaption what the picture shows (its alt text), or null without one
 */
public record ReportSection(String id, String title, List<String> lines, byte[] chartPng, String chartCaption) {
  public ReportSection {
    Objects.requireNonNull(id, "id");
    if (!id.matches("[A-Za-z0-9-]+")) {
      throw new IllegalArgumentException("section id must be letters, digits and dashes, was '" + id + "'");
    }
    Objects.requireNonNull(title, "title");
    lines = lines == null ? List.of() : List.copyOf(lines);
  }
}
