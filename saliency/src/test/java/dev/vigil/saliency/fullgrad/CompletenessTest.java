package dev.vigil.saliency.fullgrad;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.autodiff.OnnxGraph;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Completeness of the full-gradient decomposition (Srinivas &amp; Fleuret 2019, eq. 2) on piecewise-linear nets:
 * f(x) = sum(df/dx * x) + sum over every bias layer (conv, folded and standalone BN, fully connected) of
 * sum(df/dz * b), to 1e-4 relative. ResNet-, VGG- and DenseNet-shaped nets and MobileNetV2 (ReLU6), all with
 * BatchNorm running statistics that are not the identity.
 */
class CompletenessTest {

  @ParameterizedTest
  @ValueSource(strings = {"resnet_small", "vgg_small", "densenet_small", "mobilenet_v2"})
  void inputAndBiasGradientsAddUpToTheLogit(String name) throws Exception {
    Path dir = GoldenMapsTest.GOLDEN;
    ImageTensor x = Npy.readImage(dir.resolve(name + ".input.npy"));
    FullGradGraph fg = FullGradGraph.build(OnnxGraph.read(dir.resolve(name + ".onnx")), x.c(), x.h(), x.w(), true);
    assertThat(fg.biasLayers().stream().anyMatch(l -> l.rank() == 2)).as("a fully connected bias layer").isTrue();
    assertThat(fg.biasLayers().stream().anyMatch(l -> l.layout() == BiasLayer.Layout.CHANNELS_FIRST)).as("a convolutional bias layer").isTrue();
    OrtEnvironment env = dev.vigil.saliency.autodiff.OrtEnvironments.get();
    int[] targets = {3, 7};
    try (OrtSession session = env.createSession(fg.model().toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
        OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {targets[0], targets[1]}),
            new long[] {2});
        OrtSession.Result r = session.run(Map.of(OnnxGraph.read(dir.resolve(name + ".onnx")).input(), in,
            FullGradGraph.TARGET_REQUEST, t))) {
      float[] logits = floats(r, FullGradGraph.LOGITS);
      float[] dfdx = floats(r, FullGradGraph.INPUT_GRADIENT);
      int k = logits.length / x.n();
      for (int i = 0; i < x.n(); i++) {
        double sum = 0;
        int size = x.imageSize();
        for (int j = i * size; j < (i + 1) * size; j++) {
          sum += (double) dfdx[j] * x.data()[j];
        }
        Set<String> seen = new HashSet<>();
        for (int l = 0; l < fg.biasLayers().size(); l++) {
          BiasLayer layer = fg.biasLayers().get(l);
          assertThat(seen.add(layer.output())).as("each bias layer once").isTrue();
          float[] dfdz = floats(r, FullGradGraph.BIAS_GRADIENT_PREFIX + l);
          int perImage = dfdz.length / x.n();
          int channels = layer.bias().length;
          // elements per step along the channel axis: the spatial size for N x C x ..., 1 when channels are last
          int inner = layer.channelAxis() == layer.rank() - 1 ? 1 : perImage / channels;
          for (int j = 0; j < perImage; j++) {
            sum += (double) dfdz[i * perImage + j] * layer.bias()[(j / inner) % channels];
          }
        }
        double f = logits[i * k + targets[i]];
        assertThat(Math.abs(sum - f) / Math.abs(f)).as("%s image %d: f=%f, decomposition=%f", name, i, f, sum)
            .isLessThan(1e-4);
      }
    }
  }

  static float[] floats(OrtSession.Result r, String name) throws Exception {
    FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
    float[] a = new float[b.remaining()];
    b.get(a);
    return a;
  }

}
