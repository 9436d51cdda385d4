package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier augmented to return dL/dx for L = logit_t (the target's score) or L = log softmax(z)_t (its
 * log-probability, minus the cross-entropy: ascend it for a targeted attack), per image.
 */
public final class InputGradientGraph {

  /** Input: int64 [N], the class per image, or -1 for the argmax. */
  public static final String TARGET_REQUEST = "vigil_target_request";
  /** Output: float [N, K] pre-softmax scores. */
  public static final String LOGITS = "vigil_logits";
  /** Output: int64 [N] the class used. */
  public static final String TARGET = "vigil_target";
  /** Output: float, shaped like the input: dL/dx. */
  public static final String GRADIENT = "vigil_input_gradient";

  private InputGradientGraph() {}

  /**
   * Builds the augmented model for c x h x w images.
   *
   * @param logProbability differentiate log softmax(z)_t instead of z_t
   * @throws OrtException when the shape probe fails
   */
  public static ModelProto build(OnnxGraph graph, int c, int h, int w, boolean logProbability)
      throws OrtException {
    TensorShapes shapes = TensorShapes.probe(graph, c, h, w);
    long[] logits = shapes.of(graph.logits());
    if (logits.length != 2) {
      throw new IllegalArgumentException("the model output '" + graph.logits() + "' has shape "
          + Arrays.toString(logits) + "; a classifier with N x classes logits was expected");
    }
    GraphBuilder b = new GraphBuilder("vigil/inputgrad/", graph.opset());
    String t = Seeds.target(b, graph.logits(), TARGET_REQUEST);
    String seed = Seeds.oneHot(b, t, logits[1]);
    if (logProbability) {
      seed = Seeds.logProbability(b, graph.logits(), seed);
    }
    Backpropagation bp = Backpropagation.run(graph, shapes, b, seed);
    String dLdx = bp.gradientOf(graph.input());
    b.add(identity(graph.logits(), LOGITS));
    b.add(identity(t, TARGET));
    b.add(identity(dLdx, GRADIENT));
    LinkedHashMap<String, Integer> outputs = new LinkedHashMap<>();
    outputs.put(LOGITS, TensorProto.DataType.FLOAT.getNumber());
    outputs.put(TARGET, TensorProto.DataType.INT64.getNumber());
    outputs.put(GRADIENT, TensorProto.DataType.FLOAT.getNumber());
    return bp.assemble(Map.of(TARGET_REQUEST, TensorProto.DataType.INT64.getNumber()), outputs);
  }

  private static ai.onnx.proto.OnnxMl.NodeProto identity(String from, String to) {
    return ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(to + "_out")
        .addAllInput(List.of(from)).addOutput(to).build();
  }
}
