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
    for (String op : List.of("Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Sqrt")) {
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
    ReshapeVjp reshape = new ReshapeVjp();
    for (String op : List.of("Flatten", "Reshape", "Squeeze", "Unsqueeze")) {
      m.put(op, reshape);
    }
    m.put("Pad", new PadVjp());
    m.put("Transpose", new TransposeVjp());
    m.put("Concat", new ConcatVjp());
    m.put("Split", new SplitVjp());
    m.put("Gemm", new GemmVjp());
    m.put("MatMul", new MatMulVjp());
    IdentityVjp identity = new IdentityVjp();
    m.put("Identity", identity);
    m.put("Dropout", identity);
    RULES = Map.copyOf(m);
  }

  private Derivatives() {}

  /** Supported op types, sorted; Softmax and LogSoftmax count only as the model's last op. */
  static List<String> supported() {
    TreeMap<String, Vjp> sorted = new TreeMap<>(RULES);
    List<String> names = new java.util.ArrayList<>(sorted.keySet());
    names.add("LogSoftmax (last op only)");
    names.add("Softmax (last op only)");
    names.sort(String::compareTo);
    return List.copyOf(names);
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
      String where = node.getOpType().equals("Softmax") || node.getOpType().equals("LogSoftmax")
          ? " (Softmax/LogSoftmax is supported only as the model's last op)" : "";
      throw new UnsupportedOperationException(String.format(
          "cannot differentiate op %s (node '%s') on the path from input '%s' to the logits%s; supported ops: %s",
          op, node.getName(), graph.input(), where, String.join(", ", supported())));
    }
    return rule;
  }
}
