package dev.vigil.saliency.autodiff;

import static dev.vigil.saliency.autodiff.GraphBuilder.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingGraphTest {

  private static final int BATCH = 3;
  private static final int C = 3;
  private static final int H = 6;
  private static final int W = 6;
  private static final long[] LABELS = {1, 4, 0};

  private static OrtEnvironment env;
  private static ModelProto net;
  private static List<String> parameters;
  private static String runningMean;
  private static String conv1;
  private static float[] x;

  /**
   * Conv (stride 2, no padding: floor division drops an input row, so the weight-gradient correlation is cropped)
   * -> BatchNormalization -> Relu -> Conv with bias -> residual Add -> GlobalAveragePool -> Flatten -> Gemm with
   * bias: every parameter kind the demo's ResNet trains.
   */
  @BeforeAll
  static void buildNet() {
    env = OrtEnvironments.get();
    TinyModel m = new TinyModel(5);
    String w1 = m.weight(-0.5, 0.5, 4, C, 3, 3);
    String gamma = m.weight(0.5, 1.5, 4);
    String beta = m.weight(-0.2, 0.2, 4);
    runningMean = m.weight(-1, 1, 4);
    String runningVariance = m.weight(0.5, 2, 4);
    String w2 = m.weight(-0.4, 0.4, 4, 4, 3, 3);
    String b2 = m.weight(-0.1, 0.1, 4);
    String g = m.weight(-0.8, 0.8, 5, 4);
    String bias = m.weight(-0.1, 0.1, 5);
    conv1 = m.node("Conv", List.of("x", w1), attr("strides", new long[] {2, 2}));
    String bn = m.node("BatchNormalization", List.of(conv1, gamma, beta, runningMean, runningVariance),
        attr("epsilon", 1e-3f));
    String relu = m.node("Relu", List.of(bn));
    String conv2 = m.node("Conv", List.of(relu, w2, b2), attr("pads", new long[] {1, 1, 1, 1}));
    String sum = m.node("Add", List.of(conv2, relu));
    String pooled = m.node("Flatten", List.of(m.node("GlobalAveragePool", List.of(sum))));
    String logits = m.node("Gemm", List.of(pooled, g, bias), attr("transB", 1));
    net = m.build(logits, 17, C, H, W);
    parameters = List.of(w1, gamma, beta, w2, b2, g, bias);
    x = new TinyModel(99).randomInput(BATCH * C * H * W);
  }

  @Test
  void parameterGradientsWithBatchStatisticsMatchCentralDifferences() throws Exception {
    Map<String, float[]> params = initialValues();
    Step step = run(params);
    Float64Interpreter reference = new Float64Interpreter(net.getGraph(), true);
    Map<String, Float64Interpreter.T> overrides = new HashMap<>();
    for (TensorProto t : net.getGraph().getInitializerList()) {
      overrides.put(t.getName(), tensor(t));
    }
    assertThat((double) step.loss).isCloseTo(loss(reference, overrides), offset(1e-5));
    double h = 1e-5;
    for (String p : parameters) {
      double[] v = overrides.get(p).v();
      float[] ort = step.gradients.get(p);
      double scale = 0;
      double[] numeric = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        double keep = v[i];
        v[i] = keep + h;
        double up = loss(reference, overrides);
        v[i] = keep - h;
        double down = loss(reference, overrides);
        v[i] = keep;
        numeric[i] = (up - down) / (2 * h);
        scale = Math.max(scale, Math.abs(numeric[i]));
      }
      assertThat(scale).as("dLoss/d%s is not trivially zero", p).isGreaterThan(1e-4);
      for (int i = 0; i < v.length; i++) {
        assertThat((double) ort[i]).as("dLoss/d%s[%d]", p, i).isCloseTo(numeric[i], offset(1e-3 * scale + 1e-6));
      }
    }
  }

  @Test
  void batchStatisticsAreThoseOfTheBatch() throws Exception {
    Step step = run(initialValues());
    Map<String, Float64Interpreter.T> env64 = new Float64Interpreter(net.getGraph(), true)
        .run("x", input());
    double[] c1 = env64.get(conv1).v(); // [3, 4, 2, 2]
    for (int ch = 0; ch < 4; ch++) {
      double sum = 0;
      for (int n = 0; n < BATCH; n++) {
        for (int k = 0; k < 4; k++) {
          sum += c1[(n * 4 + ch) * 4 + k];
        }
      }
      assertThat((double) step.batchMean[ch]).as("mean of channel %d", ch).isCloseTo(sum / 12, offset(1e-5));
    }
  }

  @Test
  void gradientStepsLowerTheLoss() throws Exception {
    Map<String, float[]> params = initialValues();
    float first = run(params).loss;
    float last = first;
    for (int i = 0; i < 30; i++) {
      Step step = run(params);
      for (String p : parameters) {
        float[] v = params.get(p);
        float[] g = step.gradients.get(p);
        for (int k = 0; k < v.length; k++) {
          v[k] -= 0.2f * g[k];
        }
      }
      last = step.loss;
    }
    assertThat(last).as("cross-entropy after 30 SGD steps on one batch").isLessThan(first * 0.3f);
  }

  @Test
  void parameterThatIsNotAnInitializerIsRejected() {
    assertThatThrownBy(() -> TrainingGraph.build(OnnxGraph.parse(net.toByteArray(), "net"), List.of("nope"), C, H,
        W)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameter 'nope' is not an initializer of the model");
  }

  @Test
  void weightGradientOfGroupedConvolutionFailsNamingTheNode() {
    TinyModel m = new TinyModel(3);
    String w = m.weight(-1, 1, 2, 1, 3, 3);
    String conv = m.node("Conv", List.of("x", w), attr("group", 2));
    String logits = m.node("Flatten", List.of(m.node("GlobalAveragePool", List.of(conv))));
    ModelProto grouped = m.build(logits, 17, 2, 5, 5);
    assertThatThrownBy(() -> TrainingGraph.build(OnnxGraph.parse(grouped.toByteArray(), "grouped"), List.of(w), 2,
        5, 5)).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("Conv node 'Conv_1'").hasMessageContaining("group=2");
  }

  private record Step(float loss, Map<String, float[]> gradients, float[] batchMean) {}

  private static Step run(Map<String, float[]> params) throws Exception {
    ModelProto training = TrainingGraph.build(OnnxGraph.parse(net.toByteArray(), "net"), parameters, C, H, W);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(training.toByteArray(), options)) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
          feeds.put("x", OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {BATCH, C, H, W}));
          feeds.put(TrainingGraph.LABELS, OnnxTensor.createTensor(env, LongBuffer.wrap(LABELS), new long[] {BATCH}));
          for (TensorProto t : net.getGraph().getInitializerList()) {
            if (parameters.contains(t.getName())) {
              feeds.put(t.getName(), OnnxTensor.createTensor(env, FloatBuffer.wrap(params.get(t.getName())),
                  Tensors.dims(t)));
            }
          }
          try (OrtSession.Result r = session.run(feeds)) {
            Map<String, float[]> gradients = new HashMap<>();
            for (String p : parameters) {
              gradients.put(p, floats(r, TrainingGraph.gradientOf(p)));
            }
            return new Step(floats(r, TrainingGraph.LOSS)[0], gradients,
                floats(r, TrainingGraph.batchMean(runningMean)));
          }
        } finally {
          for (OnnxTensor t : feeds.values()) {
            t.close();
          }
        }
      }
    }
  }

  private static float[] floats(OrtSession.Result r, String name) throws OrtException {
    OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new AssertionError("no output " + name));
    FloatBuffer b = t.getFloatBuffer();
    float[] v = new float[b.remaining()];
    b.get(v);
    return v;
  }

  private static Map<String, float[]> initialValues() {
    Map<String, float[]> v = new HashMap<>();
    for (TensorProto t : net.getGraph().getInitializerList()) {
      v.put(t.getName(), Tensors.toFloats(t));
    }
    return v;
  }

  private static Float64Interpreter.T tensor(TensorProto t) {
    int[] shape = java.util.Arrays.stream(Tensors.dims(t)).mapToInt(d -> (int) d).toArray();
    float[] f = Tensors.toFloats(t);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return new Float64Interpreter.T(shape, d);
  }

  private static Float64Interpreter.T input() {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return new Float64Interpreter.T(new int[] {BATCH, C, H, W}, d);
  }

  /** Mean cross-entropy of the batch in float64. */
  private static double loss(Float64Interpreter reference, Map<String, Float64Interpreter.T> overrides) {
    String last = net.getGraph().getOutput(0).getName();
    double[] z = reference.run("x", input(), overrides).get(last).v();
    int k = z.length / BATCH;
    double total = 0;
    for (int n = 0; n < BATCH; n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, z[n * k + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(z[n * k + j] - max);
      }
      total -= z[n * k + (int) LABELS[n]] - max - Math.log(sum);
    }
    return total / BATCH;
  }
}
