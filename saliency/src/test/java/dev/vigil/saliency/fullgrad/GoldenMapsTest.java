package dev.vigil.saliency.fullgrad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FullGrad maps against PyTorch autograd (saliency/scripts/make_golden.py): torchvision architectures with seeded
 * random weights and BatchNorm in eval mode with non-trivial running statistics.
 */
class GoldenMapsTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @ParameterizedTest
  @ValueSource(strings = {"resnet_small", "vgg_small", "densenet_small", "mobilenet_v2"})
  void mapMatchesPyTorchAutograd(String name) throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve(name + ".input.npy"));
    Npy.Array golden = Npy.read(GOLDEN.resolve(name + ".fullgrad.npy"));
    Npy.Array logits = Npy.read(GOLDEN.resolve(name + ".logits.npy"));
    try (FullGradExplainer explainer = FullGradExplainer.open(GOLDEN.resolve(name + ".onnx"),
        SaliencyOptions.DEFAULTS.withIntraOpThreads(1))) {
      SaliencyResult r = explainer.explain(x, null);
      assertThat(golden.shape()).containsExactly(x.n(), 1, x.h(), x.w());
      assertThat(r.logits()).containsExactly(logits.data(), org.assertj.core.data.Offset.offset(1e-4f));
      assertThat(maxAbsDifference(r.maps(), golden.data()) / maxAbs(golden.data())).isLessThan(1e-4);
    }
  }

  static double maxAbsDifference(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
