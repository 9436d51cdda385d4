package dev.vigil.monitor.output;

import java.util.List;
import java.util.Objects;

/**
 * The predictions read from one response body and the format they were read in.
 *
 * @param format the format code: the configured format's name ({@code probabilities}, ...), or
 *     with {@code output.format: auto} what was recognised, {@code envelope/content} such as
 *     {@code predictions/class-index} or {@code kserve-v2/probabilities} (docs/payload-formats.md)
 * @param content what the predictions carry, which decides the checks they allow
 * @param predictions one per batch item, in order (never empty)
 */
public record ParsedOutput(String format, Content content, List<Prediction> predictions) {
  public ParsedOutput {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(content, "content");
    predictions = List.copyOf(predictions);
  }

  /** What a recognised response carries per item. */
  public enum Content {
    /** A whole probability distribution per item. */
    PROBABILITIES("probabilities", Confidence.FULL),
    /** A whole vector of logits per item; soft-max was applied before reading confidences. */
    LOGITS("logits", Confidence.FULL),
    /** Only the best classes with their scores (Hugging Face, TorchServe, Triton classification). */
    TOP_K("top-k", Confidence.TOP_K),
    /** Class indices or labels without scores. */
    CLASS_INDEX("class-index", Confidence.NONE);

    private final String code;
    private final Confidence confidence;

    Content(String code, Confidence confidence) {
      this.code = code;
      this.confidence = confidence;
    }

    public String code() {
      return code;
    }

    public Confidence confidence() {
      return confidence;
    }

    /** The content named by the part after the last {@code '/'} of a format code, or null. */
    public static Content ofFormat(String format) {
      String tail = format.substring(format.lastIndexOf('/') + 1);
      for (Content c : values()) {
        if (c.code.equals(tail)) {
          return c;
        }
      }
      return null;
    }
  }

  /** How much of the distribution a prediction carries: decides which checks are possible. */
  public enum Confidence {
    /** Every class's score: every check, plus entropy and margin. */
    FULL("full distribution: every check is possible"),
    /**
     * The listed classes' scores: class shares, drift, low confidence and confidence drop are
     * possible; the entropy is not (the rest of the distribution is unknown).
     */
    TOP_K("top-k scores only: class share, drift, low confidence and confidence drop are possible;"
        + " entropy is not"),
    /** No scores: only class shares and drift are possible. */
    NONE("no confidence: class share and drift are possible; low_confidence and confidence_drop are not");

    private final String description;

    Confidence(String description) {
      this.description = description;
    }

    /** Which checks this allows, in one sentence. */
    public String description() {
      return description;
    }
  }
}
