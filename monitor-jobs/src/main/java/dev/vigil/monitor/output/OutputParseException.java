package dev.vigil.monitor.output;

/**
 * A response body that does not hold predictions in the configured format; says what was found.
 *
 * <p>{@link #reason()} is the short, stable part of the message (no values, no excerpts), so a
 * window can count its unreadable outputs by reason: "label not in the labels file" rather than
 * one line per distinct label.
 */
public final class OutputParseException extends Exception {
  private final String reason;

  public OutputParseException(String message) {
    super(message);
    this.reason = reasonOf(message);
  }

  public OutputParseException(String message, Throwable cause) {
    super(message, cause);
    this.reason = reasonOf(message);
  }

  /**
   * @param reason the stable reason, e.g. {@code "label not in the labels file"}
   * @param message the whole message, with the values and an excerpt of the body
   */
  public static OutputParseException because(String reason, String message) {
    return new OutputParseException(reason, message, null);
  }

  private OutputParseException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The short reason this output is unreadable, without values: what a window counts by. */
  public String reason() {
    return reason;
  }

  /**
   * The stable part of a message: up to the first {@code ':'} or {@code ';'}, with quoted text,
   * numbers and JSON excerpts taken out.
   */
  static String reasonOf(String message) {
    if (message == null || message.isBlank()) {
      return "unreadable output";
    }
    String s = message;
    int cut = s.length();
    for (char c : new char[] {':', ';', '('}) {
      int i = s.indexOf(c);
      if (i > 0) {
        cut = Math.min(cut, i);
      }
    }
    s = s.substring(0, cut);
    s = s.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
    s = s.replaceAll("\\[[0-9, ]*]", "[…]").replaceAll("-?\\d+(\\.\\d+)?", "N");
    return s.strip();
  }
}
