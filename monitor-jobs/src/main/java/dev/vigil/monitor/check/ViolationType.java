package dev.vigil.monitor.check;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The checks a window is judged by; {@link #code()} is the name in reports and e-mails. */
public enum ViolationType {
  /**
   * The share of records whose response was present but could not be read as predictions is
   * above {@code unusableShareMax}: the window's statistics would describe what little could be
   * read, so this leads the report, with the top reasons and an example body.
   */
  UNPARSEABLE_OUTPUTS("unparseable_outputs"),
  /** A class is the top-1 prediction more often than {@code classShareMax}. */
  CLASS_SHARE_EXCEEDED("class_share_exceeded"),
  /** The top-1 class distribution is further from the baseline than the drift limit. */
  CLASS_DISTRIBUTION_DRIFT("class_distribution_drift"),
  /** The share of predictions with top-1 confidence below the threshold is above its limit. */
  LOW_CONFIDENCE("low_confidence"),
  /** Mean top-1 confidence fell by more than {@code confidenceDropMax} from the baseline. */
  CONFIDENCE_DROP("confidence_drop"),
  /**
   * The share of unusable records for other reasons (no output captured, truncated, upstream
   * errors, corrupt lines) is above {@code unusableShareMax}.
   */
  COMPLETENESS("completeness"),
  /** Accuracy on the window's labelled predictions fell by more than {@code accuracyDropMax} from the baseline's. */
  ACCURACY_DROP("accuracy_drop"),
  /** A class's recall on labelled predictions fell by more than {@code classRecallDropMax} from the baseline's. */
  CLASS_RECALL_DROP("class_recall_drop"),
  /**
   * The accuracy estimated without labels (mean calibrated top-1 confidence, NannyML's CBPE) is
   * more than {@code estimatedAccuracyDropMax} below the baseline's accuracy.
   */
  ESTIMATED_ACCURACY_DROP("estimated_accuracy_drop"),
  /** Fewer usable predictions than {@code minRecords}: the window is not judged. */
  INSUFFICIENT_DATA("insufficient_data"),
  /**
   * The window starts before the earliest record the Kafka topic still retains (retention deleted
   * the rest): it is judged on the part that could be read, and this says how much that was
   * ({@code value}: the share of the window's time span read; a warning).
   */
  INCOMPLETE_WINDOW("incomplete_window"),
  /**
   * The model's penultimate embeddings of a sample of the window's inputs differ from the
   * baseline's (MMD^2 or BBSD p-value below {@code saliency.signals.driftPValue}).
   */
  INPUT_DRIFT("input_drift"),
  /**
   * More than {@code saliency.signals.adversarialShareMax} of the screened flagged samples are
   * likely adversarial by feature squeezing.
   */
  ADVERSARIAL_INPUTS("adversarial_inputs");

  private final String code;

  ViolationType(String code) {
    this.code = code;
  }

  @JsonValue
  public String code() {
    return code;
  }

  /** The type for a report code such as {@code class_share_exceeded}. */
  @JsonCreator
  public static ViolationType fromCode(String code) {
    for (ViolationType t : values()) {
      if (t.code.equals(code) || t.name().equals(code)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown violation type '" + code + "'");
  }
}
