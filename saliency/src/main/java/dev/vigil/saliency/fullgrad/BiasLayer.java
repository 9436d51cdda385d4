package dev.vigil.saliency.fullgrad;

/**
 * A layer output z = f(...) + b that carries a bias b per channel: a Conv with bias, a BatchNormalization (implicit
 * bias beta - mu gamma / sqrt(sigma2 + epsilon)), a Gemm (bias beta C), a LayerNormalization (bias B) or an Add of
 * a constant vector along the last axis (a Linear layer exported as MatMul + Add).
 *
 * @param output name of z
 * @param bias b, one value per channel
 * @param rank rank of z (4 for image feature maps, 3 for tokens, 2 for fully connected layers)
 * @param node name of the node producing z
 * @param channelAxis the axis of z that b runs along (1, or the last axis)
 * @param layout how z lies on the image ({@link Layout})
 */
public record BiasLayer(String output, float[] bias, int rank, String node, int channelAxis, Layout layout) {

  /** How a bias layer enters the map (saliency/README.md, "Bias layers"). */
  public enum Layout {
    /** N x C x H x W: P over C x H x W, summed over C. */
    CHANNELS_FIRST,
    /** N x H x W x C with H x W on the image's grid: as CHANNELS_FIRST with the channels moved first. */
    CHANNELS_LAST,
    /** N x T x C tokens: the leading (class, distillation) tokens dropped, the rest row-major on the patch grid. */
    TOKENS,
    /** Not laid on the image (fully connected layers, other shapes): completeness only. */
    NOT_ON_IMAGE;

    /** Whether the layer contributes to the map. */
    public boolean onImage() {
      return this != NOT_ON_IMAGE;
    }
  }
}
