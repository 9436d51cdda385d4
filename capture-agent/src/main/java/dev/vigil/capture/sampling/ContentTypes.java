package dev.vigil.capture.sampling;

import java.util.List;
import java.util.Locale;

/** Matches a Content-Type header against the configured text content types (media type only). */
public final class ContentTypes {
  private final List<String> textTypes;

  public ContentTypes(List<String> textTypes) {
    this.textTypes = textTypes.stream().map(ContentTypes::mediaType).toList();
  }

  /** True when the media type (parameters ignored, case-insensitive) is listed as text. */
  public boolean isText(String contentType) {
    if (contentType == null) {
      return false;
    }
    return textTypes.contains(mediaType(contentType));
  }

  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    String t = semi >= 0 ? contentType.substring(0, semi) : contentType;
    return t.trim().toLowerCase(Locale.ROOT);
  }
}
