package dev.vigil.alerts;

import java.util.List;
import java.util.Objects;

/**
 * A further section of an alert (model quality, and later signals): a title, sentences, an
 * optional table and an optional chart, rendered the same way in the e-mail (HTML and text) and
 * in report.html by {@link SectionRenderer}. The alerts module knows nothing of what it says.
 *
 * @param id stable HTML id and attachment name part, e.g. {@code model-quality}
 * @param title heading
 * @param paragraphs sentences, plain text
 * @param header table column names, empty for no table
 * @param rows table rows, each as long as {@code header}
 * @param chartPng a chart, or null
 * @param chartCaption the chart's caption (alt text)
 */
public record AlertSection(String id, String title, List<String> paragraphs, List<String> header,
    List<List<String>> rows, byte[] chartPng, String chartCaption) {
  public AlertSection {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    paragraphs = paragraphs == null ? List.of() : List.copyOf(paragraphs);
    header = header == null ? List.of() : List.copyOf(header);
    rows = rows == null ? List.of() : rows.stream().map(List::copyOf).toList();
    for (List<String> r : rows) {
      if (r.size() != header.size()) {
        throw new IllegalArgumentException("section " + id + ": a row has " + r.size() + " cells for "
            + header.size() + " columns");
      }
    }
  }
}
