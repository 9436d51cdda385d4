package dev.vigil.saliency.image;

import dev.vigil.config.ChannelOrder;
import dev.vigil.config.PreprocessingConfig;
import dev.vigil.config.ResizeMode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Image to tensor settings: {@link PreprocessingConfig} ({@code endpoints[].preprocessing}),
 * validated for use, or the same values from command-line flags.
 *
 * <p>Per pixel value {@code v} in {@code [0, 255]} and channel {@code c} (after the channel
 * reorder): {@code x = (v / scale - mean[c]) / std[c]}. With the defaults ({@link #imagenet}) this
 * is torchvision's {@code ToTensor()} + {@code Normalize(mean, std)}.
 *
 * @param width model input width in pixels
 * @param height model input height in pixels
 * @param resize how the image is brought to {@code width x height}
 * @param channelOrder channel order of the tensor
 * @param scale pixel values are divided by this first (255 gives [0, 1])
 * @param mean per-channel mean (1 value for all channels, or 3), in tensor channel order
 * @param std per-channel standard deviation (1 or 3 values, all positive), in tensor channel order
 */
public record Preprocessing(
    int width,
    int height,
    ResizeMode resize,
    ChannelOrder channelOrder,
    double scale,
    List<Double> mean,
    List<Double> std) {

  /** Largest accepted side: a typo like 22400 should fail here, not exhaust memory later. */
  public static final int MAX_SIDE = 8192;

  /** Channels of a decoded image tensor: always 3 (grayscale images are replicated). */
  public static final int CHANNELS = 3;

  /**
   * @throws IllegalArgumentException naming the field, the value and the accepted range
   */
  public Preprocessing {
    Objects.requireNonNull(resize, "resize");
    Objects.requireNonNull(channelOrder, "channelOrder");
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(std, "std");
    requireArgument(width >= 1 && width <= MAX_SIDE, "width %s must be in 1..%s", width, MAX_SIDE);
    requireArgument(
        height >= 1 && height <= MAX_SIDE, "height %s must be in 1..%s", height, MAX_SIDE);
    requireArgument(
        Double.isFinite(scale) && scale > 0, "scale %s must be a positive number", scale);
    requireArgument(
        mean.size() == 1 || mean.size() == CHANNELS,
        "mean has %s values: give 1 or %s",
        mean.size(),
        CHANNELS);
    requireArgument(
        std.size() == 1 || std.size() == CHANNELS,
        "std has %s values: give 1 or %s",
        std.size(),
        CHANNELS);
    for (Double m : mean) {
      requireArgument(m != null && Double.isFinite(m), "mean %s must be finite numbers", mean);
    }
    for (Double s : std) {
      requireArgument(
          s != null && Double.isFinite(s) && s > 0, "std %s must be positive numbers", std);
    }
    mean = List.copyOf(mean);
    std = List.copyOf(std);
  }

  /** The ImageNet defaults of the configuration schema: stretch, RGB, /255, ImageNet mean/std. */
  public static Preprocessing imagenet(int width, int height) {
    return new Preprocessing(
        width,
        height,
        ResizeMode.STRETCH,
        ChannelOrder.RGB,
        255.0,
        List.of(0.485, 0.456, 0.406),
        List.of(0.229, 0.224, 0.225));
  }

  /** The endpoint's configured pre-processing, field for field. */
  public static Preprocessing from(PreprocessingConfig config) {
    return new Preprocessing(
        config.width(),
        config.height(),
        config.resize(),
        config.channelOrder(),
        config.scale(),
        config.mean(),
        config.std());
  }

  /**
   * Parses a resize mode as written in YAML: {@code stretch | center-crop |
   * shorter-side-center-crop} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ResizeMode parseResize(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (ResizeMode mode : ResizeMode.values()) {
      if (mode.configName().equals(v)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown resize mode '" + value + "': use stretch, center-crop or shorter-side-center-crop");
  }

  /** Mean of tensor channel {@code c}. */
  public double meanOf(int c) {
    return mean.size() == 1 ? mean.get(0) : mean.get(c);
  }

  /** Standard deviation of tensor channel {@code c}. */
  public double stdOf(int c) {
    return std.size() == 1 ? std.get(0) : std.get(c);
  }

  private static void requireArgument(boolean ok, String template, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException("preprocessing: " + String.format(template, args));
    }
  }
}
