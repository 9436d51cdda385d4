package dev.vigil.monitor.output;

import java.util.Locale;

/**
 * How an endpoint's response body carries its predictions (config key
 * {@code endpoints[].output.format}).
 */
public enum OutputFormat {
  /** A JSON array of class probabilities, or an array of such arrays for a batch. */
  PROBABILITIES("probabilities"),
  /** TF-Serving / KServe v1: {@code {"predictions": [...]}} holding vectors (or objects with one). */
  PREDICTIONS("predictions"),
  /** KServe / Triton open inference protocol v2: {@code outputs[].data} with {@code shape}. */
  KSERVE_V2("kserve-v2"),
  /** A list of {@code {label|class, score|probability}} objects (or a list of lists for a batch). */
  TOP_K("top-k"),
  /** A JSON Pointer ({@code output.pointer}) to the vector or to a batch of vectors. */
  POINTER("pointer"),
  /** A bare class index (or label), or an array of them: no confidence is available. */
  CLASS_INDEX("class-index");

  private final String code;

  OutputFormat(String code) {
    this.code = code;
  }

  /** The name used in the YAML config and in reports. */
  public String code() {
    return code;
  }

  /**
   * The format for a config value.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code code} is unknown
   */
  public static OutputFormat fromCode(String code) {
    String c = code == null ? "" : code.trim().toLowerCase(Locale.ROOT);
    for (OutputFormat f : values()) {
      if (f.code.equals(c) || f.name().equalsIgnoreCase(c)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown output format '" + code
            + "', use one of probabilities | predictions | kserve-v2 | top-k | pointer | class-index");
  }

  /** Whether responses in this format carry confidences (the class-index format does not). */
  public boolean carriesConfidence() {
    return this != CLASS_INDEX;
  }
}
