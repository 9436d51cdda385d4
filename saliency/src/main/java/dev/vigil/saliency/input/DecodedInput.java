package dev.vigil.saliency.input;

import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.image.DecodedImage;

/**
 * One model input recovered from a captured request body: either an image (the model's
 * pre-processing applies, and the heatmap is drawn over it) or an already pre-processed tensor
 * (only its layout and dtype were fixed; the heatmap is drawn over a rendering of it, see {@link
 * TensorRendering}).
 *
 * @param format how it was found, e.g. {@code tf-serving-b64/jpeg}, {@code npy(|u1 HWC)}, {@code
 *     kserve-v2(FP32 NCHW)}: what {@code vigil inspect} counts
 * @param position its place in the request's batch (0 for a single input), matching the
 *     position of its prediction in the response
 * @param image the decoded image, or null for a tensor
 * @param tensor the 1 x C x H x W float32 tensor, or null for an image
 */
public record DecodedInput(String format, int position, DecodedImage image, ImageTensor tensor) {
  public DecodedInput {
    if ((image == null) == (tensor == null)) {
      throw new IllegalArgumentException("a decoded input is an image or a tensor, exactly one");
    }
    if (tensor != null && tensor.n() != 1) {
      throw new IllegalArgumentException("a decoded tensor input holds one sample, got " + tensor);
    }
  }

  /** Whether this is an image (pre-processing applies) rather than a ready tensor. */
  public boolean isImage() {
    return image != null;
  }

  DecodedInput at(int newPosition, String outerFormat) {
    return new DecodedInput(outerFormat == null ? format : outerFormat + "/" + format, newPosition, image, tensor);
  }
}
