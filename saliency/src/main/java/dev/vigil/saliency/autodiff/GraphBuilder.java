package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends nodes and constants to a graph under construction, with fresh tensor names and opset-aware helpers
 * (ReduceSum takes its axes as an input from opset 13, the other Reduce* ops from opset 18).
 *
 * <p>Not thread-safe; one builder per graph.
 */
public final class GraphBuilder {

  private final String prefix;
  private final long opset;
  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private final Map<String, String> scalars = new HashMap<>();
  private final Map<String, String> shapes = new HashMap<>();
  private int counter;

  /**
   * @param prefix prefix of every name this builder creates; must not clash with the model's names
   * @param opset the ai.onnx opset of the graph being built
   */
  public GraphBuilder(String prefix, long opset) {
    this.prefix = prefix;
    this.opset = opset;
  }

  /** The opset nodes are emitted for. */
  public long opset() {
    return opset;
  }

  /** Nodes appended so far, in order. */
  public List<NodeProto> nodes() {
    return List.copyOf(nodes);
  }

  /** Constants created so far. */
  public List<TensorProto> initializers() {
    return List.copyOf(initializers);
  }

  /** A fresh tensor name. */
  public String fresh(String hint) {
    return prefix + hint + "_" + counter++;
  }

  /** Appends a node with one output and returns the output's name. */
  public String op(String opType, List<String> inputs, AttributeProto... attributes) {
    return op(opType, inputs, 1, attributes).get(0);
  }

  /** Appends a node with {@code outputs} outputs and returns their names. */
  public List<String> op(String opType, List<String> inputs, int outputs, AttributeProto... attributes) {
    List<String> names = new ArrayList<>(outputs);
    for (int i = 0; i < outputs; i++) {
      names.add(fresh(opType));
    }
    add(NodeProto.newBuilder().setOpType(opType).setName(fresh(opType + "_node"))
        .addAllInput(inputs).addAllOutput(names).addAllAttribute(Arrays.asList(attributes)).build());
    return names;
  }

  /** Appends a finished node as is. */
  public void add(NodeProto node) {
    nodes.add(node);
  }

  /** A float32 constant of the given shape. */
  public String constant(float[] values, long... dims) {
    String name = fresh("const");
    initializers.add(Tensors.floats(name, values, dims));
    return name;
  }

  /** An int64 constant of the given shape. */
  public String constantLongs(long[] values, long... dims) {
    String name = fresh("const");
    initializers.add(Tensors.longs(name, values, dims));
    return name;
  }

  /** A 1-D int64 constant. */
  public String longs(long... values) {
    return constantLongs(values, values.length);
  }

  /** A float32 scalar (rank 0), shared between uses. */
  public String scalar(float value) {
    return scalars.computeIfAbsent(Float.toString(value), k -> constant(new float[] {value}));
  }

  /** {@code Shape(x)}, emitted once per tensor. */
  public String shapeOf(String x) {
    return shapes.computeIfAbsent(x, k -> op("Shape", List.of(x)));
  }

  /** {@code Reshape(x, Shape(like))}: x takes the (run-time) shape of {@code like}. */
  public String reshapeLike(String x, String like) {
    return op("Reshape", List.of(x, shapeOf(like)));
  }

  /** Float zeros of the (run-time) shape {@code shape}, an int64 1-D tensor. */
  public String zeros(String shape) {
    return op("ConstantOfShape", List.of(shape), attr("value", Tensors.floats("zero", new float[] {0f}, 1)));
  }

  /** {@code shape} (int64 1-D, {@code rank} entries) with entry {@code axis} replaced by 1-D {@code length}. */
  public String withDimension(String shape, int axis, int rank, String length) {
    return op("Concat", List.of(op("Slice", List.of(shape, longs(0), longs(axis))), length,
        op("Slice", List.of(shape, longs(axis + 1), longs(rank)))), attr("axis", 0));
  }

  /** ReduceSum over {@code axes}. */
  public String reduceSum(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceSum", 13, x, axes, keepDims);
  }

  /** ReduceMean over {@code axes}. */
  public String reduceMean(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceMean", 18, x, axes, keepDims);
  }

  /** ReduceMax over {@code axes}. */
  public String reduceMax(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceMax", 18, x, axes, keepDims);
  }

  /** ReduceMin over {@code axes}. */
  public String reduceMin(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceMin", 18, x, axes, keepDims);
  }

  private String reduce(String opType, long axesAsInputSince, String x, long[] axes, boolean keepDims) {
    AttributeProto keep = attr("keepdims", keepDims ? 1 : 0);
    if (opset >= axesAsInputSince) {
      return op(opType, List.of(x, longs(axes)), keep);
    }
    return op(opType, List.of(x), attr("axes", axes), keep);
  }

  /** An int attribute. */
  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  /** An ints attribute. */
  public static AttributeProto attr(String name, long[] values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** A float attribute. */
  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
        .build();
  }

  /** A string attribute. */
  public static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
  }

  /** A tensor attribute. */
  public static AttributeProto attr(String name, TensorProto value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value)
        .build();
  }
}
