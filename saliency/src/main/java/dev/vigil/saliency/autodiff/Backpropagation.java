package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of an ONNX graph, written into the graph itself.
 *
 * <p>For a scalar objective L = sum over the batch of (seed . logits), the sweep visits the forward nodes in
 * reverse topological order and, for every node on a path from the image to the logits, emits the
 * vector-Jacobian product dL/dX = J^T dL/dY of its op ({@link Vjp}). Where a tensor feeds several nodes its
 * gradient is the Sum of their contributions (the multivariate chain rule). Because every image of a batch only
 * influences its own logits, one sweep gives every image's gradient at once.
 *
 * <p>Only tensors that depend on the roots are differentiated ("active"): by default the image input, so weights
 * and shape computations are left alone and Shape/Gather/Concat chains of exporters need no derivatives. For
 * training, the roots are the parameters (initializers that are also fed as graph inputs); then the rules of
 * Conv, Gemm and the arithmetic ops emit weight and bias gradients as well.
 */
public final class Backpropagation {

  /** Ops whose output carries no gradient even when their input is active. */
  private static final Set<String> NON_DIFFERENTIABLE = Set.of("Shape", "Size");

  private final OnnxGraph graph;
  private final TensorShapes shapes;
  private final GraphBuilder builder;
  private final Set<String> active = new HashSet<>();
  private final Map<String, List<String>> contributions = new HashMap<>();
  private final List<NodeProto> forward = new ArrayList<>();

  private Backpropagation(OnnxGraph graph, TensorShapes shapes, GraphBuilder builder) {
    this.graph = graph;
    this.shapes = shapes;
    this.builder = builder;
  }

  /**
   * Emits the backward pass of {@code graph} into {@code builder}.
   *
   * @param seed name of dL/d(logits), a float tensor shaped like the logits (e.g. a one-hot of the target)
   * @throws UnsupportedOperationException naming the op, the node and the supported ops when a node on the
   *     gradient path has no derivative here
   */
  public static Backpropagation run(OnnxGraph graph, TensorShapes shapes, GraphBuilder builder, String seed) {
    return run(graph, shapes, builder, seed, Set.of(graph.input()));
  }

  /**
   * Emits the backward pass with respect to {@code roots}: the image input, parameters, or both. A parameter root
   * is an initializer that the caller also feeds as a graph input, so it counts as a variable, never a constant.
   *
   * @throws UnsupportedOperationException as {@link #run(OnnxGraph, TensorShapes, GraphBuilder, String)}
   */
  public static Backpropagation run(OnnxGraph graph, TensorShapes shapes, GraphBuilder builder, String seed,
      Set<String> roots) {
    Backpropagation bp = new Backpropagation(graph, shapes, builder);
    bp.sweep(seed, roots);
    return bp;
  }

  private void sweep(String seed, Set<String> roots) {
    List<NodeProto> path = nodesReachingLogits();
    active.addAll(roots);
    List<Boolean> differentiate = new ArrayList<>();
    for (NodeProto n : path) {
      boolean anyActive = n.getInputList().stream().anyMatch(active::contains);
      boolean d = anyActive && !NON_DIFFERENTIABLE.contains(n.getOpType());
      differentiate.add(d);
      if (d) {
        Vjp vjp = Derivatives.of(n, graph);
        n = vjp.forward(n, builder);
        n.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(active::add);
      }
      forward.add(n);
    }
    if (!active.contains(graph.logits())) {
      throw new IllegalArgumentException("the logits '" + graph.logits() + "' do not depend on " + roots);
    }
    accumulate(graph.logits(), seed);
    for (int i = forward.size() - 1; i >= 0; i--) {
      NodeProto n = forward.get(i);
      if (!differentiate.get(i) || n.getOutputList().stream().allMatch(o -> !contributions.containsKey(o))) {
        continue;
      }
      Derivatives.of(n, graph).emit(new OpNode(n, this), builder);
    }
  }

  /** Forward nodes that the logits depend on, in topological order (as ONNX requires them stored). */
  private List<NodeProto> nodesReachingLogits() {
    Map<String, NodeProto> producer = new HashMap<>();
    for (NodeProto n : graph.graph().getNodeList()) {
      for (String o : n.getOutputList()) {
        producer.put(o, n);
      }
    }
    Set<NodeProto> needed = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(graph.logits()));
    while (!todo.isEmpty()) {
      NodeProto n = producer.get(todo.pop());
      if (n != null && needed.add(n)) {
        n.getInputList().stream().filter(s -> !s.isEmpty()).forEach(todo::push);
      }
    }
    return graph.graph().getNodeList().stream().filter(needed::contains).toList();
  }

  /** dL/d(tensor), or null when L does not depend on it. */
  public String gradientOf(String tensor) {
    List<String> parts = contributions.get(tensor);
    if (parts == null) {
      return null;
    }
    if (parts.size() > 1) {
      String sum = builder.op("Sum", parts);
      parts.clear();
      parts.add(sum);
    }
    return parts.get(0);
  }

  /** The forward nodes as the augmented model runs them. */
  public List<NodeProto> forwardNodes() {
    return List.copyOf(forward);
  }

  /**
   * The augmented model: prepared forward nodes, then the builder's nodes.
   *
   * @param extraInputs more graph inputs (name to element type), e.g. the requested targets
   * @param outputs graph outputs, name to element type ({@link TensorProto.DataType} number)
   */
  public ModelProto assemble(Map<String, Integer> extraInputs, LinkedHashMap<String, Integer> outputs) {
    GraphProto.Builder g = graph.graph().toBuilder().clearNode().clearOutput()
        .addAllNode(forward).addAllNode(builder.nodes()).addAllInitializer(builder.initializers());
    extraInputs.forEach((name, type) -> g.addInput(valueInfo(name, type)));
    outputs.forEach((name, type) -> g.addOutput(valueInfo(name, type)));
    return graph.model().toBuilder().setGraph(g).build();
  }

  private static ValueInfoProto valueInfo(String name, int elemType) {
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType)))
        .build();
  }

  void accumulate(String tensor, String gradient) {
    contributions.computeIfAbsent(tensor, k -> new ArrayList<>()).add(gradient);
  }

  boolean isActive(String tensor) {
    return active.contains(tensor);
  }

  TensorShapes shapes() {
    return shapes;
  }

  OnnxGraph graph() {
    return graph;
  }

  /** Op types that can be differentiated, sorted. */
  public static List<String> supportedOps() {
    return Derivatives.supported();
  }
}
