/**
 * FullGrad (Srinivas &amp; Fleuret, "Full-Gradient Representation for Neural Network Visualization", NeurIPS 2019)
 * computed inside the augmented ONNX model: {@link dev.vigil.saliency.fullgrad.FullGradGraph} folds BatchNorm into
 * a preceding Conv, finds the bias layers, appends the backward pass and the map (post-processing, bilinear
 * resize with aligned corners, sums), so one run gives logits, target and map for a batch.
 */
package dev.vigil.saliency.fullgrad;
