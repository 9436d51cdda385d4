package dev.vigil.demo.signs;

import java.util.List;

/**
 * The traffic-sign classes the demo generator draws, in model output order.
 *
 * <p>Indices 0 to 18 are exactly the GTSRB class ids and names (German Traffic Sign
 * Recognition Benchmark), so {@link #STOP} is class 14 as in GTSRB. The blue mandatory signs
 * follow as 19 to 24 because GTSRB numbers them 33 to 40 and a model with unused outputs
 * would skew every class-share statistic; their GTSRB ids are kept in {@link #gtsrbId()}.
 * Renaming or reordering a constant changes the meaning of a trained model's outputs.
 */
public enum SignClass {
  SPEED_LIMIT_20(0, "Speed limit (20km/h)"),
  SPEED_LIMIT_30(1, "Speed limit (30km/h)"),
  SPEED_LIMIT_50(2, "Speed limit (50km/h)"),
  SPEED_LIMIT_60(3, "Speed limit (60km/h)"),
  SPEED_LIMIT_70(4, "Speed limit (70km/h)"),
  SPEED_LIMIT_80(5, "Speed limit (80km/h)"),
  END_SPEED_LIMIT_80(6, "End of speed limit (80km/h)"),
  SPEED_LIMIT_100(7, "Speed limit (100km/h)"),
  SPEED_LIMIT_120(8, "Speed limit (120km/h)"),
  NO_PASSING(9, "No passing"),
  NO_PASSING_TRUCKS(10, "No passing for vehicles over 3.5 metric tons"),
  RIGHT_OF_WAY(11, "Right-of-way at the next intersection"),
  PRIORITY_ROAD(12, "Priority road"),
  YIELD(13, "Yield"),
  STOP(14, "Stop"),
  NO_VEHICLES(15, "No vehicles"),
  TRUCKS_PROHIBITED(16, "Vehicles over 3.5 metric tons prohibited"),
  NO_ENTRY(17, "No entry"),
  GENERAL_CAUTION(18, "General caution"),
  TURN_RIGHT_AHEAD(33, "Turn right ahead"),
  TURN_LEFT_AHEAD(34, "Turn left ahead"),
  AHEAD_ONLY(35, "Ahead only"),
  KEEP_RIGHT(38, "Keep right"),
  KEEP_LEFT(39, "Keep left"),
  ROUNDABOUT(40, "Roundabout mandatory");

  private static final List<SignClass> ALL = List.of(values());
  private static final List<String> LABELS = ALL.stream().map(SignClass::label).toList();

  private final int gtsrbId;
  private final String label;

  SignClass(int gtsrbId, String label) {
    this.gtsrbId = gtsrbId;
    this.label = label;
  }

  /** The model output index of this class (0-based, contiguous). */
  public int index() {
    return ordinal();
  }

  /** The class id in GTSRB; equal to {@link #index()} for indices 0 to 18. */
  public int gtsrbId() {
    return gtsrbId;
  }

  /** The GTSRB class name, for example {@code "Stop"}. */
  public String label() {
    return label;
  }

  /** Number of classes; the length of a model's output vector. */
  public static int count() {
    return ALL.size();
  }

  /** The class at a model output index. */
  public static SignClass of(int index) {
    if (index < 0 || index >= ALL.size()) {
      throw new IllegalArgumentException(
          "sign class index " + index + " is out of range: use 0.." + (ALL.size() - 1));
    }
    return ALL.get(index);
  }

  /** Labels by model output index (index = position), as a labels file lists them. */
  public static List<String> labels() {
    return LABELS;
  }
}
