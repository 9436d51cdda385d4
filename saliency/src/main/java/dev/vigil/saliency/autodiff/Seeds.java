package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/** In-graph choice of the target class and the seed dL/d(logits) of the backward pass. */
public final class Seeds {

  private Seeds() {}

  /**
   * t = requested class where one is given (>= 0), else argmax of the logits; int64 [N].
   *
   * @param logits [N, K]
   * @param request int64 [N], -1 for "use the argmax"
   */
  public static String target(GraphBuilder b, String logits, String request) {
    String argmax = b.op("ArgMax", List.of(logits), GraphBuilder.attr("axis", 1), GraphBuilder.attr("keepdims", 0));
    String given = b.op("GreaterOrEqual", List.of(request, b.constantLongs(new long[] {0})));
    return b.op("Where", List.of(given, request, argmax));
  }

  /** onehot(t) as float [N, K]: d(logit_t)/d(logits), the seed for explaining logit t. */
  public static String oneHot(GraphBuilder b, String t, long classes) {
    long[] k = new long[(int) classes];
    for (int i = 0; i < k.length; i++) {
      k[i] = i;
    }
    String column = b.op("Unsqueeze", List.of(t, b.longs(1))); // [N, 1]
    String hit = b.op("Equal", List.of(column, b.constantLongs(k, 1, classes))); // [N, K]
    return b.op("Cast", List.of(hit), GraphBuilder.attr("to", TensorProto.DataType.FLOAT.getNumber()));
  }

  /** d(log softmax(z)_t)/dz = onehot(t) - softmax(z): the seed for the log-probability of class t. */
  public static String logProbability(GraphBuilder b, String logits, String oneHot) {
    String p = b.op("Softmax", List.of(logits), GraphBuilder.attr("axis", 1));
    return b.op("Sub", List.of(oneHot, p));
  }
}
