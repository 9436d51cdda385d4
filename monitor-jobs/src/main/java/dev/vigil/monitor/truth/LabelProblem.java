package dev.vigil.monitor.truth;

/** Why a ground-truth label was not used; counted per window (report and metric), never fatal. */
public enum LabelProblem {
  /** The line is not a ground-truth record (not JSON, a field missing, an unknown encoding). */
  MALFORMED_LINE("malformed_line"),
  /** The label names no class: not a class index in range, not a label of the labels file. */
  UNKNOWN_LABEL("unknown_label"),
  /** A second label for the same id; the one written last counts. */
  DUPLICATE("duplicate"),
  /**
   * No capture of the window carries the id: a label of another window's prediction, of a
   * request that was not sampled, or of an id that was never captured.
   */
  UNMATCHED_ID("unmatched_id"),
  /** The capture's response held several predictions (a batch): one label cannot say which. */
  BATCHED_RECORD("batched_record");

  private final String code;

  LabelProblem(String code) {
    this.code = code;
  }

  /** The snake_case name used in reports and metric tags. */
  public String code() {
    return code;
  }
}
