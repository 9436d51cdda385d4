package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classifier turned into one training step: given images, labels and the current parameters, one run returns
 * the mean cross-entropy loss, the logits, dLoss/dParameter for every trained parameter and the batch statistics
 * of every batch normalization.
 *
 * <p>Batch normalization trains on the statistics of the batch, not on its running averages, so every
 * BatchNormalization node is written out as mu = mean(X), sigma2 = mean((X - mu)^2) over batch and space,
 * Y = gamma (X - mu) / sqrt(sigma2 + epsilon) + beta (Ioffe &amp; Szegedy 2015). The backward pass through those
 * ops then carries the terms through mu and sigma2 that make the batch statistics part of the gradient. The
 * running averages are left to the optimiser, which reads {@link #batchMean} and {@link #batchVariance} (unbiased,
 * as PyTorch keeps it).
 *
 * <p>Parameters stop being initializers and become graph inputs: each run feeds the current values (the optimiser
 * owns them), and no graph optimisation folds them as constants.
 */
public final class TrainingGraph {

  /** Input: int64 [N], the true class per image. */
  public static final String LABELS = "vigil_labels";
  /** Output: float scalar, the mean cross-entropy of the batch. */
  public static final String LOSS = "vigil_loss";
  /** Output: float [N, K] pre-softmax scores. */
  public static final String LOGITS = "vigil_logits";

  private static final String BN_PREFIX = "vigil/bntrain/";

  private TrainingGraph() {}

  /** Output name of dLoss/d{@code parameter}, shaped like the parameter. */
  public static String gradientOf(String parameter) {
    return "vigil_grad/" + parameter;
  }

  /** Output name of the batch mean [C] feeding the running mean initializer {@code runningMean}. */
  public static String batchMean(String runningMean) {
    return "vigil_batch_mean/" + runningMean;
  }

  /** Output name of the unbiased batch variance [C] feeding the running variance {@code runningVariance}. */
  public static String batchVariance(String runningVariance) {
    return "vigil_batch_var/" + runningVariance;
  }

  /**
   * Builds the training step for c x h x w images.
   *
   * @param model the inference model (its BatchNormalization nodes turn into batch statistics here)
   * @param parameters the initializers to train, each fed as a graph input of the same name on every run
   * @throws IllegalArgumentException when a parameter is not an initializer or does not influence the logits
   * @throws UnsupportedOperationException when an op on the path has no derivative here
   * @throws OrtException when the shape probe fails
   */
  public static ModelProto build(OnnxGraph model, Collection<String> parameters, int c, int h, int w)
      throws OrtException {
    Set<String> trained = new LinkedHashSet<>(parameters);
    for (String p : trained) {
      if (model.initializer(p) == null) {
        throw new IllegalArgumentException("parameter '" + p + "' is not an initializer of the model");
      }
    }
    List<String[]> statistics = new ArrayList<>(); // {batch mean, batch variance, running mean, running variance}
    OnnxGraph graph = model.withGraph(withBatchStatistics(model, statistics));
    // Batch 2: the backward pass must know which tensors carry the batch axis (see TensorShapes.probe).
    TensorShapes shapes = TensorShapes.probe(graph, 2, c, h, w);
    long[] logits = shapes.of(graph.logits());
    if (logits.length != 2) {
      throw new IllegalArgumentException("the model output '" + graph.logits() + "' has shape "
          + Arrays.toString(logits) + "; a classifier with N x classes logits was expected");
    }
    GraphBuilder b = new GraphBuilder("vigil/train/", graph.opset());
    String oneHot = Seeds.oneHot(b, LABELS, logits[1]);
    String batch = b.op("Cast", List.of(b.op("Gather", List.of(b.shapeOf(graph.logits()), b.longs(0)))),
        GraphBuilder.attr("to", TensorProto.DataType.FLOAT.getNumber())); // N, as float [1]
    // loss = -mean_i log softmax(z_i)[y_i]; dloss/dz = (softmax(z) - onehot(y)) / N
    String logProbability = b.op("LogSoftmax", List.of(graph.logits()), GraphBuilder.attr("axis", 1));
    String picked = b.reduceSum(b.op("Mul", List.of(oneHot, logProbability)), new long[] {1}, false);
    b.add(node("Neg", b.reduceMean(picked, new long[] {0}, false), LOSS));
    String probability = b.op("Softmax", List.of(graph.logits()), GraphBuilder.attr("axis", 1));
    String seed = b.op("Div", List.of(b.op("Sub", List.of(probability, oneHot)), batch));

    Backpropagation bp = Backpropagation.run(graph, shapes, b, seed, trained);
    LinkedHashMap<String, Integer> outputs = new LinkedHashMap<>();
    int floatType = TensorProto.DataType.FLOAT.getNumber();
    outputs.put(LOSS, floatType);
    b.add(node("Identity", graph.logits(), LOGITS));
    outputs.put(LOGITS, floatType);
    for (String p : trained) {
      String g = bp.gradientOf(p);
      if (g == null) {
        throw new IllegalArgumentException("parameter '" + p + "' does not influence the logits '"
            + graph.logits() + "'");
      }
      b.add(node("Identity", g, gradientOf(p)));
      outputs.put(gradientOf(p), floatType);
    }
    String flat = b.longs(-1);
    for (String[] s : statistics) {
      String count = b.op("Cast", List.of(b.op("Div", List.of(b.op("Size", List.of(s[2])),
          b.op("Size", List.of(s[0]))))), GraphBuilder.attr("to", floatType));
      String bessel = b.op("Div", List.of(count, b.op("Sub", List.of(count, b.scalar(1f))))); // m / (m - 1)
      b.add(node("Reshape", List.of(s[0], flat), batchMean(s[3])));
      b.add(node("Reshape", List.of(b.op("Mul", List.of(s[1], bessel)), flat), batchVariance(s[4])));
      outputs.put(batchMean(s[3]), floatType);
      outputs.put(batchVariance(s[4]), floatType);
    }
    ModelProto assembled = bp.assemble(Map.of(LABELS, TensorProto.DataType.INT64.getNumber()), outputs);
    return withParametersAsInputs(assembled, model, trained);
  }

  /** Moves the trained initializers to graph inputs of the same name and shape. */
  private static ModelProto withParametersAsInputs(ModelProto assembled, OnnxGraph model, Set<String> trained) {
    GraphProto.Builder g = assembled.getGraph().toBuilder().clearInitializer();
    assembled.getGraph().getInitializerList().stream().filter(t -> !trained.contains(t.getName()))
        .forEach(g::addInitializer);
    for (String p : trained) {
      TypeProto.Builder type = TypeProto.newBuilder();
      TypeProto.Tensor.Builder tensor = type.getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT
          .getNumber());
      for (long d : Tensors.dims(model.initializer(p))) {
        tensor.getShapeBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
      g.addInput(ValueInfoProto.newBuilder().setName(p).setType(type));
    }
    return assembled.toBuilder().setGraph(g).build();
  }

  /**
   * The graph with each BatchNormalization written out with batch statistics; adds to {@code statistics} the
   * names of its batch mean and biased variance ([1, C, 1, 1]), its input and its running mean and variance. The
   * running statistics it no longer reads are dropped.
   */
  private static GraphProto withBatchStatistics(OnnxGraph model, List<String[]> statistics) {
    GraphBuilder b = new GraphBuilder(BN_PREFIX, model.opset());
    List<NodeProto> nodes = new ArrayList<>();
    Set<String> unused = new HashSet<>();
    for (NodeProto n : model.graph().getNodeList()) {
      if (!n.getOpType().equals("BatchNormalization")) {
        nodes.add(n);
        continue;
      }
      int before = b.nodes().size();
      float epsilon = 1e-5f;
      for (var a : n.getAttributeList()) {
        if (a.getName().equals("epsilon")) {
          epsilon = a.getF();
        }
      }
      String x = n.getInput(0);
      long[] axes = {0, 2, 3};
      String mean = b.reduceMean(x, axes, true); // [1, C, 1, 1]
      String centred = b.op("Sub", List.of(x, mean));
      String variance = b.reduceMean(b.op("Mul", List.of(centred, centred)), axes, true);
      String deviation = b.op("Sqrt", List.of(b.op("Add", List.of(variance, b.scalar(epsilon)))));
      String normalised = b.op("Div", List.of(centred, deviation));
      String gamma = b.op("Unsqueeze", List.of(n.getInput(1), b.longs(1, 2))); // [C] -> [C, 1, 1]
      String beta = b.op("Unsqueeze", List.of(n.getInput(2), b.longs(1, 2)));
      String scaled = b.op("Mul", List.of(normalised, gamma));
      b.add(NodeProto.newBuilder().setOpType("Add").setName(BN_PREFIX + n.getName()).addInput(scaled)
          .addInput(beta).addOutput(n.getOutput(0)).build());
      statistics.add(new String[] {mean, variance, x, n.getInput(3), n.getInput(4)});
      unused.add(n.getInput(3));
      unused.add(n.getInput(4));
      nodes.addAll(b.nodes().subList(before, b.nodes().size()));
    }
    GraphProto.Builder g = model.graph().toBuilder().clearNode().addAllNode(nodes).clearInitializer();
    model.graph().getInitializerList().stream().filter(t -> !unused.contains(t.getName()))
        .forEach(g::addInitializer);
    g.addAllInitializer(b.initializers());
    return g.build();
  }

  private static NodeProto node(String op, String input, String output) {
    return node(op, List.of(input), output);
  }

  private static NodeProto node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setName(output + "_node").addAllInput(inputs).addOutput(output)
        .build();
  }
}
