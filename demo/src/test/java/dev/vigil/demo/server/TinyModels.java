package dev.vigil.demo.server;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny ONNX classifiers built with the protobuf classes, plus the same maths in plain Java
 * so tests can check the server's numbers against a hand computation.
 *
 * <p>{@link #convNet}: {@code image [N,3,S,S] -> Conv 1x1 (W, B) -> Relu ->
 * GlobalAveragePool -> Flatten -> Gemm (G, C, transB) -> logits [N, K]}.
 */
final class TinyModels {
  static final int HIDDEN = 4;
  static final int CLASSES = 4;

  /** Conv 1x1 weights [HIDDEN][3] and bias: each hidden unit reacts to a colour mix. */
  static final float[][] W = {
    {1.5f, -0.5f, 0.25f}, {-1.0f, 2.0f, -0.5f}, {0.3f, 0.3f, 1.2f}, {-0.7f, -0.2f, 0.9f}
  };
  static final float[] B = {0.1f, -0.2f, 0.05f, 0.3f};
  /** Gemm weights [CLASSES][HIDDEN] (transB = 1) and bias. */
  static final float[][] G = {
    {2.0f, -1.0f, 0.5f, 0.0f}, {-0.5f, 1.5f, 0.2f, 0.3f}, {0.1f, 0.2f, 1.8f, -0.4f},
    {0.7f, 0.7f, -0.9f, 1.1f}
  };
  static final float[] C = {0.0f, 0.1f, -0.1f, 0.2f};

  static final List<String> LABELS = List.of("Red thing", "Green thing", "Blue thing", "Other");

  private TinyModels() {}

  static Path convNet(Path dir, int size) throws IOException {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny-conv");
    graph.addInput(floatInput("image", dim("N"), dim(3), dim(size), dim(size)));
    graph.addOutput(floatInput("logits", dim("N"), dim(CLASSES)));
    graph.addInitializer(tensor("W", flatten(W), HIDDEN, 3, 1, 1));
    graph.addInitializer(tensor("B", B, HIDDEN));
    graph.addInitializer(tensor("G", flatten(G), CLASSES, HIDDEN));
    graph.addInitializer(tensor("C", C, CLASSES));
    graph.addNode(node("Conv", List.of("image", "W", "B"), "conv"));
    graph.addNode(node("Relu", List.of("conv"), "relu"));
    graph.addNode(node("GlobalAveragePool", List.of("relu"), "pool"));
    graph.addNode(node("Flatten", List.of("pool"), "flat"));
    graph.addNode(
        node("Gemm", List.of("flat", "G", "C"), "logits").toBuilder()
            .addAttribute(intAttribute("transB", 1))
            .build());
    return write(dir.resolve("tiny-conv.onnx"), graph.build());
  }

  /**
   * {@code image [N,3,H,W]} (H, W dynamic) reshaped to a fixed {@code [1, 12]}: it runs for
   * 2 x 2 inputs and fails inside ONNX Runtime for any other size.
   */
  static Path reshapeNet(Path dir) throws IOException {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("reshape-12");
    graph.addInput(floatInput("image", dim("N"), dim(3), dim("H"), dim("W")));
    graph.addOutput(floatInput("scores", dim("A"), dim("K")));
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName("shape")
            .setDataType(TensorProto.DataType.INT64.getNumber())
            .addDims(2)
            .addInt64Data(1)
            .addInt64Data(12)
            .build());
    graph.addNode(node("Reshape", List.of("image", "shape"), "scores"));
    return write(dir.resolve("reshape-12.onnx"), graph.build());
  }

  /** The convNet's logits for one image given as planar RGB in [0, 1] (after normalisation). */
  static double[] logits(float[][] chw) {
    int pixels = chw[0].length;
    double[] pooled = new double[HIDDEN];
    for (int o = 0; o < HIDDEN; o++) {
      double sum = 0;
      for (int p = 0; p < pixels; p++) {
        double h = B[o];
        for (int c = 0; c < 3; c++) {
          h += W[o][c] * chw[c][p];
        }
        sum += Math.max(0, h);
      }
      pooled[o] = sum / pixels;
    }
    double[] logits = new double[CLASSES];
    for (int k = 0; k < CLASSES; k++) {
      double z = C[k];
      for (int o = 0; o < HIDDEN; o++) {
        z += G[k][o] * pooled[o];
      }
      logits[k] = z;
    }
    return logits;
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] e = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      e[i] = Math.exp(z[i] - max);
      sum += e[i];
    }
    for (int i = 0; i < z.length; i++) {
      e[i] /= sum;
    }
    return e;
  }

  private static Path write(Path file, GraphProto graph) throws IOException {
    ModelProto model =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("vigil-tests")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(graph)
            .build();
    Files.write(file, model.toByteArray());
    return file;
  }

  private static TensorShapeProto.Dimension dim(long value) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
  }

  private static TensorShapeProto.Dimension dim(String param) {
    return TensorShapeProto.Dimension.newBuilder().setDimParam(param).build();
  }

  private static ValueInfoProto floatInput(String name, TensorShapeProto.Dimension... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (TensorShapeProto.Dimension d : dims) {
      shape.addDim(d);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }

  private static TensorProto tensor(String name, float[] values, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }

  private static NodeProto node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(output)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static float[] flatten(float[][] m) {
    List<Float> all = new ArrayList<>();
    for (float[] row : m) {
      for (float v : row) {
        all.add(v);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }
}
