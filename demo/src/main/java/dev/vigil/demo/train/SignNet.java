package dev.vigil.demo.train;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.vigil.saliency.autodiff.GraphBuilder;
import dev.vigil.saliency.autodiff.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's traffic-sign classifier: a small ResNet (He et al. 2016) for 64 x 64 RGB images.
 *
 * <pre>
 * image [N,3,64,64], pixels / 255
 *   stem    Conv 3x3/2 (16) BN ReLU                          -> 16 x 32 x 32
 *   block1  [Conv 3x3 BN ReLU Conv 3x3 BN] + x, ReLU         -> 16 x 32 x 32
 *   block2  [Conv 3x3/2 BN ReLU Conv 3x3 BN] + Conv 1x1/2 BN -> 32 x 16 x 16
 *   block3  the same                                         -> 64 x 8 x 8
 *   GlobalAveragePool, Gemm                                  -> logits [N,25]
 * </pre>
 *
 * <p>About 80 thousand parameters (a third of a megabyte). Convolutions have no bias (the batch normalization
 * after each has one). The architecture is fixed; the weights are a map from initializer name to values, so the
 * same builder writes the untrained model, each training step's inference model and the final one.
 */
public final class SignNet {

  /** Name of the image input: float32 [N, 3, 64, 64], RGB, pixel / 255. */
  public static final String INPUT = "image";
  /** Name of the output: float32 [N, classes] pre-softmax scores. */
  public static final String OUTPUT = "logits";
  /** Side of the square input. */
  public static final int SIZE = 64;

  private static final long OPSET = 17;
  private static final float BN_EPSILON = 1e-5f;

  private final int classes;
  private final Map<String, long[]> shapes = new LinkedHashMap<>();
  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<String> trainable = new ArrayList<>();
  private final List<String> runningMeans = new ArrayList<>();
  private final List<String> runningVariances = new ArrayList<>();
  private final List<String> zeroGammas = new ArrayList<>();

  /** The architecture for {@code classes} classes. */
  public SignNet(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
    this.classes = classes;
    String x = convBnRelu("stem", INPUT, 3, 16, 3, 2);
    x = block("block1", x, 16, 16, 1);
    x = block("block2", x, 16, 32, 2);
    x = block("block3", x, 32, 64, 2);
    String pooled = node("GlobalAveragePool", List.of(x), "pool");
    String flat = node("Flatten", List.of(pooled), "flatten");
    shapes.put("fc.weight", new long[] {classes, 64});
    shapes.put("fc.bias", new long[] {classes});
    trainable.add("fc.weight");
    trainable.add("fc.bias");
    nodes.add(NodeProto.newBuilder().setOpType("Gemm").setName("fc").addInput(flat).addInput("fc.weight")
        .addInput("fc.bias").addOutput(OUTPUT).addAttribute(GraphBuilder.attr("transB", 1)).build());
  }

  /** Number of classes. */
  public int classes() {
    return classes;
  }

  /** The initializers that training updates by gradient, in a fixed order. */
  public List<String> trainable() {
    return List.copyOf(trainable);
  }

  /** Running means of the batch normalizations, each paired with {@link #runningVariances()} by index. */
  public List<String> runningMeans() {
    return List.copyOf(runningMeans);
  }

  /** Running variances of the batch normalizations. */
  public List<String> runningVariances() {
    return List.copyOf(runningVariances);
  }

  /** The shape of an initializer. */
  public long[] shape(String name) {
    long[] s = shapes.get(name);
    if (s == null) {
      throw new IllegalArgumentException("SignNet has no initializer '" + name + "'");
    }
    return s.clone();
  }

  /**
   * Starting weights: He-normal convolutions (std sqrt(2 / fan-in)), batch normalizations at gamma 1, beta 0,
   * except the last one of each residual branch at gamma 0 so that every block starts as the identity (Goyal et
   * al. 2017), running statistics 0 and 1, and a Gemm with std 1 / sqrt(fan-in).
   */
  public Map<String, float[]> initialWeights(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, float[]> w = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      String name = e.getKey();
      long[] s = e.getValue();
      float[] v = new float[(int) Tensors.numel(s)];
      if (name.endsWith("conv.weight") || name.endsWith("fc.weight")) {
        long fanIn = Tensors.numel(s) / s[0];
        double std = name.endsWith("fc.weight") ? Math.sqrt(1.0 / fanIn) : Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (std * gaussian(random));
        }
      } else if (name.endsWith("bn.weight") && !zeroGammas.contains(name) || name.endsWith("running_var")) {
        java.util.Arrays.fill(v, 1f);
      }
      w.put(name, v);
    }
    return w;
  }

  /**
   * The inference model (BatchNormalization with running statistics) holding {@code weights}.
   *
   * @throws IllegalArgumentException when a weight is missing or has the wrong size
   */
  public ModelProto model(Map<String, float[]> weights, List<String> labels) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("vigil-signnet").addAllNode(nodes);
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      float[] v = weights.get(e.getKey());
      if (v == null || v.length != Tensors.numel(e.getValue())) {
        throw new IllegalArgumentException("weight '" + e.getKey() + "' is " + (v == null ? "missing" : "of size "
            + v.length) + "; SignNet needs " + Tensors.numel(e.getValue()) + " values");
      }
      g.addInitializer(Tensors.floats(e.getKey(), v, e.getValue()));
    }
    g.addInput(tensor(INPUT, dim("N"), dim(3), dim(SIZE), dim(SIZE)));
    g.addOutput(tensor(OUTPUT, dim("N"), dim(classes)));
    ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("vigil demo train")
        .setDocString("Vigil demo traffic-sign classifier (SignNet, a small ResNet); input image [N,3,64,64] RGB "
            + "pixel/255, output logits [N," + classes + "]")
        .setGraph(g).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
    m.addMetadataPropsBuilder().setKey("labels").setValue(String.join("\n", labels));
    return m.build();
  }

  private String block(String name, String x, int in, int out, int stride) {
    String a = convBnRelu(name + ".a", x, in, out, 3, stride);
    String b = convBn(name + ".b", a, out, out, 3, 1);
    zeroGammas.add(name + ".b.bn.weight");
    String shortcut = in == out && stride == 1 ? x : convBn(name + ".down", x, in, out, 1, stride);
    String sum = node("Add", List.of(b, shortcut), name + ".add");
    return node("Relu", List.of(sum), name + ".relu");
  }

  private String convBnRelu(String name, String x, int in, int out, int k, int stride) {
    return node("Relu", List.of(convBn(name, x, in, out, k, stride)), name + ".relu");
  }

  private String convBn(String name, String x, int in, int out, int k, int stride) {
    String w = name + ".conv.weight";
    shapes.put(w, new long[] {out, in, k, k});
    trainable.add(w);
    long pad = k / 2;
    String conv = node("Conv", List.of(x, w), name + ".conv", GraphBuilder.attr("kernel_shape", new long[] {k, k}),
        GraphBuilder.attr("strides", new long[] {stride, stride}),
        GraphBuilder.attr("pads", new long[] {pad, pad, pad, pad}));
    String bn = name + ".bn";
    for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
      shapes.put(bn + "." + p, new long[] {out});
    }
    trainable.add(bn + ".weight");
    trainable.add(bn + ".bias");
    runningMeans.add(bn + ".running_mean");
    runningVariances.add(bn + ".running_var");
    return node("BatchNormalization", List.of(conv, bn + ".weight", bn + ".bias", bn + ".running_mean",
        bn + ".running_var"), bn, GraphBuilder.attr("epsilon", BN_EPSILON));
  }

  private String node(String op, List<String> inputs, String name, AttributeProto... attributes) {
    String out = name + ".out";
    nodes.add(NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(out)
        .addAllAttribute(List.of(attributes)).build());
    return out;
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static ValueInfoProto tensor(String name, TensorShapeProto.Dimension... dims) {
    TypeProto.Builder t = TypeProto.newBuilder();
    t.getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).getShapeBuilder()
        .addAllDim(List.of(dims));
    return ValueInfoProto.newBuilder().setName(name).setType(t).build();
  }

  private static TensorShapeProto.Dimension dim(long value) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
  }

  private static TensorShapeProto.Dimension dim(String param) {
    return TensorShapeProto.Dimension.newBuilder().setDimParam(param).build();
  }
}
