package dev.vigil.saliency.embedding;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.vigil.saliency.autodiff.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * A prepared classifier ({@link OnnxGraph}) with one more output: the model's embedding of its
 * input, by default the penultimate activations, i.e. the input of the last Gemm or MatMul (the
 * classifier head of CNNs and ViTs alike). A configured node name picks that node's first output
 * instead; a tensor name is accepted too. Nothing else changes: the logits stay the first output.
 */
public final class EmbeddingGraph {
  private final ModelProto model;
  private final String embedding;
  private final String logits;
  private final String input;

  private EmbeddingGraph(ModelProto model, String embedding, String logits, String input) {
    this.model = model;
    this.embedding = embedding;
    this.logits = logits;
    this.input = input;
  }

  /**
   * Adds the embedding output to {@code graph}.
   *
   * @param nodeOrNull a node name (its first output is the embedding) or a tensor name; null: the
   *     input of the last Gemm/MatMul
   * @throws IllegalArgumentException when the node is not in the graph or the graph has no
   *     Gemm/MatMul (the message lists candidates)
   */
  public static EmbeddingGraph of(OnnxGraph graph, String nodeOrNull) {
    GraphProto g = graph.graph();
    String tensor = nodeOrNull == null ? penultimate(graph) : named(g, nodeOrNull);
    ValueInfoProto out = ValueInfoProto.newBuilder().setName(tensor)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT_VALUE)))
        .build();
    GraphProto.Builder b = g.toBuilder();
    if (!tensor.equals(graph.logits())) {
      b.addOutput(out);
    }
    return new EmbeddingGraph(graph.model().toBuilder().setGraph(b).build(), tensor, graph.logits(), graph.input());
  }

  /** The model with outputs logits and embedding. */
  public ModelProto model() {
    return model;
  }

  /** Name of the embedding tensor (N x ..., flattened per input by the reader). */
  public String embedding() {
    return embedding;
  }

  /** Name of the logits tensor. */
  public String logits() {
    return logits;
  }

  /** Name of the image input. */
  public String input() {
    return input;
  }

  /** The activation input of the last Gemm/MatMul (the operand that is not a weight). */
  static String penultimate(OnnxGraph graph) {
    NodeProto last = null;
    for (NodeProto n : graph.graph().getNodeList()) {
      if (n.getOpType().equals("Gemm") || n.getOpType().equals("MatMul")) {
        last = n;
      }
    }
    if (last == null) {
      throw new IllegalArgumentException("the model has no Gemm or MatMul node, so its penultimate activations are"
          + " not found: set saliency.signals.embeddingNode to the node whose output is the embedding");
    }
    if (graph.initializer(last.getInput(0)) != null && last.getInputCount() > 1
        && graph.initializer(last.getInput(1)) == null) {
      return last.getInput(1); // MatMul(W, x)
    }
    return last.getInput(0);
  }

  private static String named(GraphProto g, String name) {
    for (NodeProto n : g.getNodeList()) {
      if (n.getName().equals(name)) {
        return n.getOutput(0);
      }
    }
    for (NodeProto n : g.getNodeList()) {
      if (n.getOutputList().contains(name)) {
        return name;
      }
    }
    List<String> heads = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Gemm") || n.getOpType().equals("MatMul") || n.getOpType().equals("Flatten")
          || n.getOpType().equals("GlobalAveragePool")) {
        heads.add(n.getName().isEmpty() ? n.getOutput(0) : n.getName());
      }
    }
    throw new IllegalArgumentException("saliency.signals.embeddingNode '" + name + "' is neither a node nor a tensor"
        + " of the model; candidates near the head: " + heads.subList(Math.max(0, heads.size() - 6), heads.size()));
  }
}
