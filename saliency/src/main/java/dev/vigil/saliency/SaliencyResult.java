package dev.vigil.saliency;

import dev.vigil.classes.Softmax;
import java.util.Arrays;

/**
 * FullGrad maps for a batch, with the logits they explain.
 *
 * @param logits N x numClasses pre-softmax scores, row-major
 * @param numClasses classes per image
 * @param targets the explained class per image
 * @param maps N x 1 x H x W raw FullGrad maps (sum of min-max normalised parts; no display scaling)
 * @param n batch size
 * @param h map height (the input's)
 * @param w map width (the input's)
 * @param provenance model hash, opset, device, time, targets
 */
public record SaliencyResult(float[] logits, int numClasses, int[] targets, float[] maps, int n, int h, int w,
    Provenance provenance) {

  /** @throws IllegalArgumentException when array lengths do not match the dimensions */
  public SaliencyResult {
    if (logits.length != (long) n * numClasses || targets.length != n || maps.length != (long) n * h * w) {
      throw new IllegalArgumentException(String.format(
          "inconsistent saliency result: %d logits for %d x %d, %d targets, %d map values for %d x %d x %d",
          logits.length, n, numClasses, targets.length, maps.length, n, h, w));
    }
  }

  /** The H x W map of image {@code i} (copied). */
  public float[] map(int i) {
    return Arrays.copyOfRange(maps, i * h * w, (i + 1) * h * w);
  }

  /** The logits of image {@code i} (copied). */
  public float[] logits(int i) {
    return Arrays.copyOfRange(logits, i * numClasses, (i + 1) * numClasses);
  }

  /** Soft-max probabilities of image {@code i}. */
  public float[] probabilities(int i) {
    return Softmax.of(logits(i));
  }

  /** The maps as an N x 1 x H x W tensor (not copied), e.g. for {@link Npy#write(java.nio.file.Path, ImageTensor)}. */
  public ImageTensor mapsTensor() {
    return new ImageTensor(maps, n, 1, h, w);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SaliencyResult r && Arrays.equals(r.logits, logits) && r.numClasses == numClasses
        && Arrays.equals(r.targets, targets) && Arrays.equals(r.maps, maps) && r.n == n && r.h == h && r.w == w
        && r.provenance.equals(provenance);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(maps) * 31 + Arrays.hashCode(targets);
  }

  @Override
  public String toString() {
    return "SaliencyResult[n=" + n + ", " + h + "x" + w + ", classes=" + numClasses + ", targets="
        + Arrays.toString(targets) + ", " + provenance + "]";
  }
}
