package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Builds small ONNX models in Java with the protobuf builders (seeded random weights). */
public final class TinyModel {

  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny");
  private final SplittableRandom random;
  private final List<NodeProto> nodes = new ArrayList<>();
  private int counter;

  public TinyModel(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Adds a node; returns its first output's name. */
  public String node(String op, List<String> inputs, AttributeProto... attributes) {
    return node(op, inputs, 1, attributes).get(0);
  }

  public List<String> node(String op, List<String> inputs, int outputs, AttributeProto... attributes) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      out.add(op.toLowerCase() + "_" + counter + (i == 0 ? "" : "_" + i));
    }
    nodes.add(NodeProto.newBuilder().setName(op + "_" + counter++).setOpType(op).addAllInput(inputs)
        .addAllOutput(out).addAllAttribute(Arrays.asList(attributes)).build());
    return out;
  }

  /** A random weight uniform in [lo, hi). */
  public String weight(double lo, double hi, long... dims) {
    float[] v = new float[(int) Tensors.numel(dims)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return constant(v, dims);
  }

  public String constant(float[] values, long... dims) {
    String name = "w" + counter++;
    graph.addInitializer(Tensors.floats(name, values, dims));
    return name;
  }

  public String longs(long... values) {
    String name = "i" + counter++;
    graph.addInitializer(Tensors.longs(name, values, values.length));
    return name;
  }

  /** A rank-0 int64 constant (Gather's scalar index). */
  public String scalarLong(long value) {
    String name = "i" + counter++;
    graph.addInitializer(Tensors.longs(name, new long[] {value}));
    return name;
  }

  /** Random uniform [-1, 1) input values. */
  public float[] randomInput(int size) {
    float[] v = new float[size];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (2 * random.nextDouble() - 1);
    }
    return v;
  }

  /** The model with input "x" of shape [N, c, h, w] and the given output. */
  public ModelProto build(String output, long opset, int c, int h, int w) {
    TypeProto.Builder in = TypeProto.newBuilder();
    in.getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).getShapeBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(c))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(h))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(w));
    TypeProto.Builder out = TypeProto.newBuilder();
    out.getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber());
    GraphProto g = graph.clone().addAllNode(nodes).addInput(ValueInfoProto.newBuilder().setName("x").setType(in))
        .addOutput(ValueInfoProto.newBuilder().setName(output).setType(out)).build();
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("vigil-test").setGraph(g)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
  }

  public List<NodeProto> nodes() {
    return nodes;
  }
}
