package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The derivative of every supported op; anything else on the gradient path fails fast. */
final class Derivatives {

  private static final Map<String, Vjp> RULES;

  static {
    Map<String, Vjp> m = new TreeMap<>();
    m.put("Conv", new ConvVjp());
    m.put("BatchNormalization", new BatchNormVjp());
    ActivationVjp activation = new ActivationVjp();
    for (String op : List.of("Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Sqrt", "Tanh")) {
      m.put(op, activation);
    }
    ArithmeticVjp arithmetic = new ArithmeticVjp();
    for (String op : List.of("Add", "Sub", "Mul", "Div")) {
      m.put(op, arithmetic);
    }
    m.put("MaxPool", new MaxPoolVjp());
    m.put("AveragePool", new AveragePoolVjp());
    m.put("GlobalAveragePool", new GlobalAveragePoolVjp());
    m.put("ReduceMean", new ReduceMeanVjp());
    m.put("ReduceL2", new ReduceL2Vjp());
    ReshapeVjp reshape = new ReshapeVjp();
    for (String op : List.of("Flatten", "Reshape", "Squeeze", "Unsqueeze")) {
      m.put(op, reshape);
    }
    m.put("Pad", new PadVjp());
    m.put("Resize", new ResizeVjp());
    m.put("Transpose", new TransposeVjp());
    m.put("Concat", new ConcatVjp());
    m.put("Split", new SplitVjp());
    m.put("Slice", new SliceVjp());
    m.put("Gather", new GatherVjp());
    m.put("Expand", new ExpandVjp());
    m.put("Where", new WhereVjp());
    SoftmaxVjp softmax = new SoftmaxVjp();
    m.put("Softmax", softmax);
    m.put("LogSoftmax", softmax);
    m.put("LayerNormalization", new LayerNormVjp());
    m.put("Erf", new ErfVjp());
    m.put("Gelu", new GeluVjp());
    m.put("Pow", new PowVjp());
    m.put("Einsum", new EinsumVjp());
    m.put("Gemm", new GemmVjp());
    m.put("MatMul", new MatMulVjp());
    IdentityVjp identity = new IdentityVjp();
    m.put("Identity", identity);
    m.put("Dropout", identity);
    RULES = Map.copyOf(m);
  }

  private Derivatives() {}

  /** Supported op types, sorted. */
  static List<String> supported() {
    return List.copyOf(new TreeMap<>(RULES).keySet());
  }

  /**
   * The rule for {@code node}.
   *
   * @throws UnsupportedOperationException with op type, node name and the supported list
   */
  static Vjp of(NodeProto node, OnnxGraph graph) {
    Vjp rule = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx") ? RULES.get(node.getOpType()) : null;
    if (rule == null) {
      String op = node.getDomain().isEmpty() ? node.getOpType() : node.getDomain() + "." + node.getOpType();
      throw new UnsupportedOperationException(String.format(
          "cannot differentiate op %s (node '%s') on the path from input '%s' to the logits; supported ops: %s",
          op, node.getName(), graph.input(), String.join(", ", supported())));
    }
    return rule;
  }
}
