package dev.vigil.config;

import java.util.List;
import java.util.Objects;

/**
 * Image to tensor for saliency replay ({@code endpoints[].preprocessing}): resize to
 * {@code width x height}, then per channel {@code (pixel / scale - mean[c]) / std[c]}.
 *
 * @param width model input width in pixels
 * @param height model input height in pixels
 * @param resize how the image is fitted to the input size
 * @param channelOrder channel order of the tensor
 * @param scale pixel values are divided by this first (default 255)
 * @param mean per-channel mean, three values in tensor channel order
 * @param std per-channel standard deviation, three positive values
 */
public record PreprocessingConfig(
    int width,
    int height,
    ResizeMode resize,
    ChannelOrder channelOrder,
    double scale,
    List<Double> mean,
    List<Double> std) {

  public PreprocessingConfig {
    Objects.requireNonNull(resize, "resize");
    Objects.requireNonNull(channelOrder, "channelOrder");
    mean = List.copyOf(mean);
    std = List.copyOf(std);
  }

  /** {@link #mean()} as a float array (a fresh copy). */
  public float[] meanArray() {
    return toFloats(mean);
  }

  /** {@link #std()} as a float array (a fresh copy). */
  public float[] stdArray() {
    return toFloats(std);
  }

  private static float[] toFloats(List<Double> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).floatValue();
    }
    return out;
  }
}
