package dev.vigil.saliency.sanity;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A tiny seeded CNN written as ONNX for tests: Conv(3-4, 3x3) - Relu - Conv(4-6, 3x3, stride 2) -
 * Relu - GlobalAveragePool - Flatten - Gemm(6-5). Input {@code input} [N, 3, 16, 16], output
 * {@code logits} [N, 5].
 */
public final class TinyCnn {
  public static final int SIZE = 16;
  public static final int CLASSES = 5;

  private TinyCnn() {}

  /** Writes the model to {@code file} and returns it. */
  public static Path write(Path file, long seed) throws IOException {
    Files.write(file, model(seed).toByteArray());
    return file;
  }

  public static ModelProto model(long seed) {
    Random rng = new Random(seed);
    GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
    g.addInput(value("input", -1, 3, SIZE, SIZE));
    g.addOutput(value("logits", -1, CLASSES));
    g.addInitializer(tensor("conv1.weight", rng, 0.4, 4, 3, 3, 3));
    g.addInitializer(tensor("conv1.bias", rng, 0.1, 4));
    g.addInitializer(tensor("conv2.weight", rng, 0.3, 6, 4, 3, 3));
    g.addInitializer(tensor("conv2.bias", rng, 0.1, 6));
    g.addInitializer(tensor("fc.weight", rng, 0.5, CLASSES, 6));
    g.addInitializer(tensor("fc.bias", rng, 0.1, CLASSES));
    g.addNode(
        node("Conv", "conv1", new String[] {"input", "conv1.weight", "conv1.bias"}, "c1")
            .addAttribute(ints("pads", 1, 1, 1, 1))
            .addAttribute(ints("kernel_shape", 3, 3)));
    g.addNode(node("Relu", "relu1", new String[] {"c1"}, "r1"));
    g.addNode(
        node("Conv", "conv2", new String[] {"r1", "conv2.weight", "conv2.bias"}, "c2")
            .addAttribute(ints("pads", 1, 1, 1, 1))
            .addAttribute(ints("strides", 2, 2))
            .addAttribute(ints("kernel_shape", 3, 3)));
    g.addNode(node("Relu", "relu2", new String[] {"c2"}, "r2"));
    g.addNode(node("GlobalAveragePool", "gap", new String[] {"r2"}, "p"));
    g.addNode(node("Flatten", "flatten", new String[] {"p"}, "f"));
    g.addNode(
        node("Gemm", "fc", new String[] {"f", "fc.weight", "fc.bias"}, "logits")
            .addAttribute(AttributeProto.newBuilder().setName("transB").setI(1)
                .setType(AttributeProto.AttributeType.INT)));
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("vigil-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(g)
        .build();
  }

  private static NodeProto.Builder node(String op, String name, String[] inputs, String output) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
    for (String in : inputs) {
      n.addInput(in);
    }
    return n;
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static TensorProto tensor(String name, Random rng, double scale, int... dims) {
    int count = 1;
    for (int d : dims) {
      count *= d;
    }
    ByteBuffer raw = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      raw.putFloat((float) (rng.nextGaussian() * scale));
    }
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(raw.array()));
    for (int d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static ValueInfoProto value(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
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
}
