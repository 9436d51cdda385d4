package dev.vigil.saliency.autodiff;

import static dev.vigil.saliency.autodiff.GraphBuilder.attr;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.InputGradient;
import dev.vigil.saliency.SaliencyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input gradients from the augmented ONNX model against central differences of a float64 reference interpreter,
 * on tiny nets that together use every supported op (built in Java with the protobuf builders).
 */
class GradientCheckTest {

  static final int TARGET = 2;

  @TempDir
  Path dir;

  /** Conv (groups, strides, asymmetric pads, dilation, SAME_LOWER), BN, pools (SAME_UPPER, ceil), Gemm, Softmax. */
  static ModelProto convolutionNet() {
    TinyModel m = new TinyModel(11);
    String c1 = m.node("Conv", List.of("x", m.weight(-0.5, 0.5, 6, 2, 3, 3), m.weight(-0.1, 0.1, 6)),
        attr("group", 2), attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 0, 2, 1}));
    String bn = m.node("BatchNormalization", List.of(c1, m.weight(0.5, 1.5, 6), m.weight(-0.2, 0.2, 6),
        m.weight(-0.2, 0.2, 6), m.weight(0.5, 1.5, 6)), attr("epsilon", 1e-3f));
    String lr = m.node("LeakyRelu", List.of(bn), attr("alpha", 0.1f));
    String dw = m.node("Conv", List.of(lr, m.weight(-0.7, 0.7, 6, 1, 3, 3)), attr("group", 6),
        attr("dilations", new long[] {2, 2}), attr("pads", new long[] {2, 2, 2, 2}));
    String mp = m.node("MaxPool", List.of(dw), attr("kernel_shape", new long[] {3, 3}),
        attr("strides", new long[] {2, 2}), attr("auto_pad", "SAME_UPPER"));
    String c3 = m.node("Conv", List.of(mp, m.weight(-0.5, 0.5, 8, 6, 2, 2)), attr("auto_pad", "SAME_LOWER"));
    String grouped = m.node("Conv", List.of(c3, m.weight(-0.5, 0.5, 8, 4, 1, 3)), attr("group", 2),
        attr("pads", new long[] {0, 1, 0, 1}));
    String ap = m.node("AveragePool", List.of(grouped), attr("kernel_shape", new long[] {3, 3}),
        attr("pads", new long[] {1, 1, 1, 1}), attr("count_include_pad", 0));
    String mp2 = m.node("MaxPool", List.of(ap), attr("kernel_shape", new long[] {2, 2}),
        attr("strides", new long[] {2, 2}), attr("ceil_mode", 1));
    String clip = m.node("Clip", List.of(mp2, m.constant(new float[] {-0.3f}), m.constant(new float[] {0.3f})));
    String sig = m.node("Sigmoid", List.of(clip));
    String gap = m.node("GlobalAveragePool", List.of(sig));
    String flat = m.node("Flatten", List.of(gap));
    String logits = m.node("Gemm", List.of(flat, m.weight(-1, 1, 5, 8), m.weight(-0.1, 0.1, 5)),
        attr("transB", 1), attr("alpha", 0.9f), attr("beta", 0.7f));
    String out = m.node("Softmax", List.of(logits), attr("axis", 1));
    return m.build(out, 17, 4, 12, 12);
  }

  /**
   * Broadcast arithmetic with both operands active, Split/Concat, Pad, Transpose, Reshape, (Un)Squeeze, MatMul,
   * Identity, Dropout, HardSigmoid, HardSwish, Relu, AveragePool counting pads, LogSoftmax. At opset 11 the
   * attributes that later became inputs are attributes (and HardSwish, from opset 14, is left out).
   */
  static ModelProto shapeNet(long opset) {
    TinyModel m = new TinyModel(7);
    boolean old = opset < 13;
    String c = m.node("Conv", List.of("x", m.weight(-1, 1, 4, 3, 1, 1), m.weight(-0.2, 0.2, 4)));
    String hs = m.node("HardSigmoid", List.of(c), attr("alpha", 0.3f), attr("beta", 0.4f));
    String scaled = m.node("Mul", List.of(hs, m.weight(0.5, 2, 1, 4, 1, 1)));
    List<String> parts = old
        ? m.node("Split", List.of(scaled), 2, attr("axis", 1), attr("split", new long[] {1, 3}))
        : m.node("Split", List.of(scaled, m.longs(1, 3)), 2, attr("axis", 1));
    String relu = m.node("Relu", List.of(m.node("Sub", List.of(parts.get(0), m.constant(new float[] {0.5f})))));
    String spread = m.node("Mul", List.of(parts.get(1), m.constant(new float[] {4f})));
    String swish = opset >= 14 ? m.node("HardSwish", List.of(m.node("Sub", List.of(spread,
        m.constant(new float[] {3f}))))) : m.node("Relu", List.of(spread));
    String cat = m.node("Concat", List.of(relu, swish), attr("axis", 1));
    String sub = m.node("Sub", List.of(cat, m.weight(-0.5, 0.5, 6)));
    String div = m.node("Div", List.of(sub, m.weight(1, 2, 1, 1, 6, 1)));
    String padded = m.node("Pad", List.of(div, m.longs(0, 0, 1, 1, 0, 0, 1, 0)));
    String ap = m.node("AveragePool", List.of(padded), attr("kernel_shape", new long[] {3, 3}),
        attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 0, 0, 0}), attr("count_include_pad", 1));
    String s = m.node("Sigmoid", List.of(ap));
    String prod = m.node("Mul", List.of(ap, s));
    String q = m.node("Div", List.of(prod, m.node("Add", List.of(s, m.constant(new float[] {0.5f})))));
    String sum = m.node("Add", List.of(m.node("Sub", List.of(m.constant(new float[] {1f}), q)), ap));
    String tr = m.node("Transpose", List.of(sum), attr("perm", new long[] {0, 2, 3, 1}));
    String flat = m.node("Reshape", List.of(tr, m.longs(0, -1)));
    String un = old ? m.node("Unsqueeze", List.of(flat), attr("axes", new long[] {1}))
        : m.node("Unsqueeze", List.of(flat, m.longs(1)));
    String sq = old ? m.node("Squeeze", List.of(un), attr("axes", new long[] {1}))
        : m.node("Squeeze", List.of(un, m.longs(1)));
    String mm = m.node("MatMul", List.of(sq, m.weight(-0.5, 0.5, 48, 6)));
    String dropped = m.node("Dropout", List.of(m.node("Identity", List.of(mm))));
    String out = m.node("LogSoftmax", List.of(dropped), attr("axis", 1));
    return m.build(out, opset, 3, 6, 6);
  }

  /**
   * A vision transformer in miniature: patch Conv, tokens with an Expand-ed summary token (Concat), LayerNormalization,
   * multi-head attention (MatMul + Add, q and k picked by scalar Gather, q normalised by ReduceL2, v by Slice,
   * batched MatMul of two activations, Where, Softmax, Einsum), LayerNorm written out (ReduceMean, Pow, Sqrt), Erf
   * GELU, strided Slice and repeated-index Gather over tokens, LogSoftmax, Tanh. At opset 20 the second GELU is a
   * Gelu node (tanh approximation).
   */
  static ModelProto transformerNet(long opset) {
    TinyModel m = new TinyModel(5);
    boolean axesAsInput = opset >= 18;
    String patches = m.node("Conv", List.of("x", m.weight(-0.6, 0.6, 6, 3, 2, 2), m.weight(-0.1, 0.1, 6)),
        attr("strides", new long[] {2, 2})); // [1, 6, 4, 4]
    String tokens = m.node("Transpose", List.of(m.node("Reshape", List.of(patches, m.longs(0, 6, 16)))),
        attr("perm", new long[] {0, 2, 1})); // [1, 16, 6]
    String summary = axesAsInput ? m.node("ReduceMean", List.of(tokens, m.longs(1, 2)))
        : m.node("ReduceMean", List.of(tokens), attr("axes", new long[] {1, 2})); // [1, 1, 1]
    String cls = m.node("Expand", List.of(summary, m.longs(1, 1, 6)));
    String seq = m.node("Add", List.of(m.node("Concat", List.of(cls, tokens), attr("axis", 1)),
        m.weight(-0.2, 0.2, 1, 17, 6))); // [1, 17, 6]
    String ln = m.node("LayerNormalization", List.of(seq, m.weight(0.5, 1.5, 6), m.weight(-0.2, 0.2, 6)),
        attr("axis", -1), attr("epsilon", 1e-5f));
    String qkv = m.node("Add", List.of(m.node("MatMul", List.of(ln, m.weight(-0.5, 0.5, 6, 18))),
        m.weight(-0.1, 0.1, 18)));
    String heads = m.node("Transpose", List.of(m.node("Reshape", List.of(qkv, m.longs(1, 17, 3, 2, 3)))),
        attr("perm", new long[] {2, 0, 3, 1, 4})); // [3, 1, 2, 17, 3]
    String rawQ = m.node("Gather", List.of(heads, m.scalarLong(0)), attr("axis", 0)); // [1, 2, 17, 3]
    String norm = axesAsInput ? m.node("ReduceL2", List.of(rawQ, m.longs(-1)))
        : m.node("ReduceL2", List.of(rawQ), attr("axes", new long[] {-1})); // Swin v2's F.normalize
    String clipped = m.node("Clip", List.of(norm, m.constant(new float[] {1e-6f}), ""));
    String q = m.node("Mul", List.of(m.node("Div", List.of(rawQ, clipped)), m.constant(new float[] {2f})));
    String k = m.node("Gather", List.of(heads, m.scalarLong(-2)), attr("axis", 0));
    String v = m.node("Squeeze", List.of(m.node("Slice", List.of(heads, m.longs(2), m.longs(3), m.longs(0))),
        m.longs(0)));
    String scores = m.node("Mul", List.of(m.node("MatMul", List.of(q, m.node("Transpose", List.of(k),
        attr("perm", new long[] {0, 1, 3, 2})))), m.constant(new float[] {0.577f})));
    String mask = m.node("Greater", List.of(m.weight(0, 1, 17, 17), m.constant(new float[] {0.2f})));
    String masked = m.node("Where", List.of(mask, scores, m.node("Mul", List.of(scores, m.constant(
        new float[] {0.3f})))));
    String attention = m.node("Softmax", List.of(masked), attr("axis", -1));
    String mixed = m.node("Einsum", List.of(attention, v), attr("equation", "bhij,bhjd->bhid"));
    String merged = m.node("Reshape", List.of(m.node("Transpose", List.of(mixed),
        attr("perm", new long[] {0, 2, 1, 3})), m.longs(1, 17, 6)));
    String residual = m.node("Add", List.of(seq, merged));
    // LayerNorm written out, as older exporters do: (x - mu) / sqrt(mean((x - mu)^2) + eps) * gamma + beta
    String mu = axesAsInput ? m.node("ReduceMean", List.of(residual, m.longs(-1)))
        : m.node("ReduceMean", List.of(residual), attr("axes", new long[] {-1}));
    String centred = m.node("Sub", List.of(residual, mu));
    String square = m.node("Pow", List.of(centred, m.constant(new float[] {2f})));
    String variance = axesAsInput ? m.node("ReduceMean", List.of(square, m.longs(-1)))
        : m.node("ReduceMean", List.of(square), attr("axes", new long[] {-1}));
    String normalised = m.node("Div", List.of(centred, m.node("Sqrt", List.of(m.node("Add", List.of(variance,
        m.constant(new float[] {1e-5f})))))));
    String ln2 = m.node("Add", List.of(m.node("Mul", List.of(normalised, m.weight(0.5, 1.5, 6))),
        m.weight(-0.2, 0.2, 6)));
    String hidden = m.node("Add", List.of(m.node("MatMul", List.of(ln2, m.weight(-0.6, 0.6, 6, 12))),
        m.weight(-0.1, 0.1, 12))); // [1, 17, 12]
    String erf = m.node("Erf", List.of(m.node("Div", List.of(hidden, m.constant(new float[] {1.4142135f})))));
    String gelu = m.node("Mul", List.of(m.node("Mul", List.of(hidden, m.constant(new float[] {0.5f}))),
        m.node("Add", List.of(erf, m.constant(new float[] {1f})))));
    String act = opset >= 20 ? m.node("Gelu", List.of(gelu), attr("approximate", "tanh")) : gelu;
    String strided = m.node("Slice", List.of(act, m.longs(1, 0), m.longs(17, 11), m.longs(1, 2), m.longs(3, 2)));
    String pooled = axesAsInput ? m.node("ReduceMean", List.of(strided, m.longs(1, 2)))
        : m.node("ReduceMean", List.of(strided), attr("axes", new long[] {1, 2})); // [1, 1, 1] from [1, 6, 6]
    String picked = m.node("Gather", List.of(act, m.longs(0, 3, 3)), attr("axis", 1)); // [1, 3, 12]
    String first = m.node("Gather", List.of(m.node("LogSoftmax", List.of(picked), attr("axis", 2)),
        m.scalarLong(1)), attr("axis", 1)); // [1, 12]
    String head = m.node("Tanh", List.of(m.node("Add", List.of(first, m.node("Reshape",
        List.of(pooled, m.longs(1, 1)))))));
    String logits = m.node("Gemm", List.of(head, m.weight(-1, 1, 5, 12), m.weight(-0.1, 0.1, 5)),
        attr("transB", 1));
    return m.build(m.node("Softmax", List.of(logits), attr("axis", 1)), opset, 3, 8, 8);
  }

  /** Resize up and down by sizes or scales, in the modes exporters emit (F.interpolate, nn.Upsample). */
  static ModelProto resizeNet(String mode, String transform, boolean bySizes) {
    TinyModel m = new TinyModel(13);
    String c = m.node("Conv", List.of("x", m.weight(-1, 1, 4, 3, 3, 3), m.weight(-0.2, 0.2, 4)),
        attr("pads", new long[] {1, 1, 1, 1})); // [1, 4, 5, 7]
    AttributeProto[] attributes = {attr("mode", mode), attr("coordinate_transformation_mode", transform),
        attr("nearest_mode", "floor")};
    String up = bySizes ? m.node("Resize", List.of(c, "", "", m.longs(1, 4, 11, 9)), attributes)
        : m.node("Resize", List.of(c, "", m.constant(new float[] {1, 1, 2, 1.5f}, 4)), attributes);
    String down = m.node("Resize", List.of(m.node("Sigmoid", List.of(up)), "", "", m.longs(1, 4, 3, 4)),
        attributes);
    String flat = m.node("Flatten", List.of(down));
    String logits = m.node("Gemm", List.of(flat, m.weight(-1, 1, 5, 48)), attr("transB", 1));
    return m.build(m.node("Softmax", List.of(logits), attr("axis", 1)), 17, 3, 5, 7);
  }

  @ParameterizedTest
  @CsvSource({"nearest, asymmetric, false", "nearest, half_pixel, true", "linear, align_corners, true",
      "linear, half_pixel, false", "linear, pytorch_half_pixel, true", "linear, asymmetric, false"})
  void resizeNetGradientMatchesCentralDifferences(String mode, String transform, boolean bySizes) throws Exception {
    checkGradient(resizeNet(mode, transform, bySizes), 3, 5, 7, InputGradient.Objective.LOGIT);
  }

  @ParameterizedTest
  @ValueSource(longs = {17, 20})
  void transformerNetGradientMatchesCentralDifferences(long opset) throws Exception {
    checkGradient(transformerNet(opset), 3, 8, 8, InputGradient.Objective.LOGIT);
  }

  @Test
  void convolutionNetGradientMatchesCentralDifferences() throws Exception {
    checkGradient(convolutionNet(), 4, 12, 12, InputGradient.Objective.LOGIT);
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 13, 17})
  void shapeNetGradientMatchesCentralDifferences(long opset) throws Exception {
    checkGradient(shapeNet(opset), 3, 6, 6, InputGradient.Objective.LOGIT);
  }

  @Test
  void logProbabilityGradientMatchesCentralDifferences() throws Exception {
    checkGradient(convolutionNet(), 4, 12, 12, InputGradient.Objective.LOG_PROBABILITY);
  }

  @Test
  void tinyNetsUseEverySupportedOp() throws Exception {
    TreeSet<String> used = new TreeSet<>();
    ModelProto conv = convolutionNet();
    // Training writes BatchNormalization out with batch statistics (ReduceMean, Sqrt): see TrainingGraphTest.
    String gemmWeight = conv.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gemm"))
        .findFirst().orElseThrow().getInput(1);
    ModelProto training = TrainingGraph.build(OnnxGraph.parse(conv.toByteArray(), "conv"), List.of(gemmWeight), 4,
        12, 12);
    for (ModelProto m : List.of(conv, shapeNet(17), training, transformerNet(20),
        resizeNet("linear", "half_pixel", true))) {
      m.getGraph().getNodeList().forEach(n -> used.add(n.getOpType()));
    }
    for (String op : Backpropagation.supportedOps()) {
      assertThat(used).as("ops used by the tiny nets").contains(op.split(" ")[0]);
    }
  }

  private void checkGradient(ModelProto model, int c, int h, int w, InputGradient.Objective objective)
      throws Exception {
    Path file = dir.resolve("net.onnx");
    Files.write(file, model.toByteArray());
    float[] x = new TinyModel(99).randomInput(c * h * w);
    InputGradient.Result ort;
    try (InputGradient g = InputGradient.open(file, SaliencyOptions.DEFAULTS.withIntraOpThreads(1), objective)) {
      ort = g.gradient(new ImageTensor(x, 1, c, h, w), new int[] {TARGET});
    }
    // f(x) in float64, pre-softmax logit (or log-probability) of the target
    String last = model.getGraph().getNode(model.getGraph().getNodeCount() - 1).getInput(0);
    Float64Interpreter interpreter = new Float64Interpreter(model.getGraph());
    double[] x64 = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      x64[i] = x[i];
    }
    Float64Interpreter.T logits = interpreter.run("x", new Float64Interpreter.T(new int[] {1, c, h, w}, x64))
        .get(last);
    for (int k = 0; k < logits.v().length; k++) {
      assertThat((double) ort.logits()[k]).as("logit %d", k).isCloseTo(logits.v()[k],
          org.assertj.core.data.Offset.offset(1e-4));
    }
    double step = 1e-5;
    double[] numeric = new double[x.length];
    double scale = 0;
    for (int i = 0; i < x.length; i++) {
      double keep = x64[i];
      x64[i] = keep + step;
      double up = objective(interpreter, last, x64, c, h, w, objective);
      x64[i] = keep - step;
      double down = objective(interpreter, last, x64, c, h, w, objective);
      x64[i] = keep;
      numeric[i] = (up - down) / (2 * step);
      scale = Math.max(scale, Math.abs(numeric[i]));
    }
    assertThat(scale).as("the gradient is not trivially zero").isGreaterThan(1e-3);
    for (int i = 0; i < x.length; i++) {
      assertThat((double) ort.gradient().data()[i]).as("df/dx[%d]", i)
          .isCloseTo(numeric[i], org.assertj.core.data.Offset.offset(1e-4 * scale + 1e-6));
    }
  }

  private static double objective(Float64Interpreter interpreter, String last, double[] x, int c, int h, int w,
      InputGradient.Objective objective) {
    Map<String, Float64Interpreter.T> env = interpreter.run("x", new Float64Interpreter.T(new int[] {1, c, h, w},
        x.clone()));
    double[] z = env.get(last).v();
    if (objective == InputGradient.Objective.LOGIT) {
      return z[TARGET];
    }
    double max = java.util.Arrays.stream(z).max().orElseThrow();
    double sum = java.util.Arrays.stream(z).map(v -> Math.exp(v - max)).sum();
    return z[TARGET] - max - Math.log(sum);
  }
}
