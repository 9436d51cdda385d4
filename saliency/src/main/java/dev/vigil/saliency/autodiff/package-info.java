/**
 * Reverse-mode differentiation of ONNX graphs, written as ONNX nodes.
 *
 * <p>ONNX Runtime's inference build computes no gradients, so the backward pass is appended to the model itself:
 * {@link dev.vigil.saliency.autodiff.OnnxGraph} reads and normalises a classifier (Constant nodes and Identity nodes
 * of initializers to initializers, opset raised to 17 where ScatterElements can add, final Softmax dropped), {@link
 * dev.vigil.saliency.autodiff.TensorShapes} finds every static shape with one probe run, and {@link
 * dev.vigil.saliency.autodiff.Backpropagation} sweeps the nodes in reverse, asking one small rule per op (a
 * {@code Vjp}: {@code ConvVjp}, {@code MaxPoolVjp}, ...) to emit dL/dX = J^T dL/dY. The batch dimension stays free:
 * shapes that involve it are read at run time with {@code Shape}.
 *
 * <p>{@link dev.vigil.saliency.autodiff.TrainingGraph} uses the same sweep with the parameters as roots: batch
 * normalization is written out with batch statistics, the seed is the cross-entropy's (softmax - onehot) / N, and
 * one run returns the loss, every parameter's gradient and the batch statistics (the demo trains its classifier so).
 *
 * <p>Design notes: only tensors that depend on the roots (the image, or the trained parameters) are differentiated,
 * so shape arithmetic of exporters needs no derivatives; an op without a rule on the path to the logits fails
 * before anything is emitted, naming the op, the node and the supported list.
 */
package dev.vigil.saliency.autodiff;
