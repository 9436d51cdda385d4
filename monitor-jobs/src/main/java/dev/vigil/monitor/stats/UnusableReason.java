package dev.vigil.monitor.stats;

import dev.vigil.capture.format.MalformedCaptureException;

/** Why a captured record could not be used; counted per window, never fatal. */
public enum UnusableReason {
  /** The line is not JSON at all (or not a capture record object). */
  CORRUPT_LINE("corrupt_line"),
  /** The JSON object ends early: a cut-off object, usually the last line of a partial upload. */
  TRUNCATED_OBJECT("truncated_object"),
  /** The record carries no endpointOutput (Input-only capture or a dropped body). */
  MISSING_OUTPUT("missing_output"),
  /** The capture agent cut the response body at maxBodyBytes. */
  TRUNCATED_BODY("truncated_body"),
  /** The model server answered with an error status; its body holds no prediction. */
  UPSTREAM_ERROR("upstream_error"),
  /** The response body does not hold predictions in the configured output format. */
  UNPARSEABLE_OUTPUT("unparseable_output");

  private final String code;

  UnusableReason(String code) {
    this.code = code;
  }

  /** Why a line the capture reader rejected is unusable: a JSON object cut short is "truncated". */
  public static UnusableReason of(MalformedCaptureException e) {
    return e.truncated() ? TRUNCATED_OBJECT : CORRUPT_LINE;
  }

  /** The snake_case name used in reports and metrics. */
  public String code() {
    return code;
  }
}
