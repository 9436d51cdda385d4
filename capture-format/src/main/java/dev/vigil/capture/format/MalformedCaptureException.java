package dev.vigil.capture.format;

import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * A capture line that is not a valid capture record. {@link #reason()} says which kind of
 * problem (stable codes for metrics and logs); the message says where and what to do.
 */
public final class MalformedCaptureException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What was wrong with a capture line. {@link #code()} is the stable, lower-case name. */
  public enum Reason {
    /** Not parseable JSON, or not a JSON object, or trailing content after the object. */
    MALFORMED_JSON("malformed_json"),
    /** A required field is absent or null. */
    MISSING_FIELD("missing_field"),
    /** A field has the wrong JSON type (e.g. a number where a string is expected). */
    WRONG_TYPE("wrong_type"),
    /** {@code encoding} is BASE64 but {@code data} is not valid Base64. */
    BAD_BASE64("bad_base64"),
    /** {@code encoding} or {@code mode} is not one of the known values. */
    UNKNOWN_ENCODING("unknown_encoding"),
    /** {@code inferenceTime} is not an ISO-8601 timestamp. */
    BAD_TIMESTAMP("bad_timestamp"),
    /** The line is empty or blank. */
    EMPTY_LINE("empty_line");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** Stable code, e.g. {@code malformed_json}; safe as a metric tag. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final String field;

  public MalformedCaptureException(Reason reason, String field, String message, Throwable cause) {
    super(reason.code() + (field == null ? "" : " at " + field) + ": " + message, cause);
    this.reason = reason;
    this.field = field;
  }

  public MalformedCaptureException(Reason reason, String field, String message) {
    this(reason, field, message, null);
  }

  /** The kind of problem. */
  public Reason reason() {
    return reason;
  }

  /**
   * Whether the line ends inside its JSON object: cut off, usually the last line of an object
   * whose upload was interrupted, as opposed to a line that is not a capture record at all.
   */
  public boolean truncated() {
    if (reason == Reason.MALFORMED_JSON) {
      for (Throwable t = getCause(); t != null; t = t.getCause()) {
        if (t instanceof JsonEOFException) {
          return true;
        }
      }
    }
    return false;
  }

  /** JSON path of the offending field (e.g. {@code captureData.endpointInput.data}), or null. */
  public String field() {
    return field;
  }
}
