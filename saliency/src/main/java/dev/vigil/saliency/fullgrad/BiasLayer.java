package dev.vigil.saliency.fullgrad;

/**
 * A layer output z = f(...) + b that carries a bias b per channel (axis 1): a Conv with bias, a
 * BatchNormalization (implicit bias beta - mu gamma / sqrt(sigma2 + epsilon)) or a Gemm (bias beta C).
 *
 * @param output name of z
 * @param bias b, one value per channel
 * @param rank rank of z (4 for image feature maps, 2 for fully connected layers)
 * @param node name of the node producing z
 */
public record BiasLayer(String output, float[] bias, int rank, String node) {}
