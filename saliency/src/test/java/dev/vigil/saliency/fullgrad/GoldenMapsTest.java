package dev.vigil.saliency.fullgrad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import dev.vigil.saliency.autodiff.OnnxGraph;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FullGrad maps against PyTorch autograd (saliency/scripts/make_golden.py): torchvision architectures with seeded
 * random weights and BatchNorm in eval mode with non-trivial running statistics.
 */
class GoldenMapsTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @ParameterizedTest
  @ValueSource(strings = {"resnet_small", "vgg_small", "densenet_small", "mobilenet_v2", "convnext_small", "vit_small",
      "swin_small"})
  void mapMatchesPyTorchAutograd(String name) throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve(name + ".input.npy"));
    Npy.Array golden = Npy.read(GOLDEN.resolve(name + ".fullgrad.npy"));
    Npy.Array logits = Npy.read(GOLDEN.resolve(name + ".logits.npy"));
    try (FullGradExplainer explainer = FullGradExplainer.open(GOLDEN.resolve(name + ".onnx"),
        SaliencyOptions.DEFAULTS.withIntraOpThreads(1))) {
      SaliencyResult r = explainer.explain(x, null);
      assertThat(golden.shape()).containsExactly(x.n(), 1, x.h(), x.w());
      assertThat(r.logits()).containsExactly(logits.data(), org.assertj.core.data.Offset.offset(1e-4f));
      double error = maxAbsDifference(r.maps(), golden.data()) / maxAbs(golden.data());
      System.out.printf("golden %s: max |map - reference| / max |reference| = %.2e%n", name, error);
      assertThat(error).isLessThan(1e-4);
    }
  }

  @ParameterizedTest
  @CsvSource({"convnext_small, CHANNELS_LAST", "vit_small, TOKENS", "swin_small, CHANNELS_LAST"})
  void transformerBiasLayersLieOnTheImageAsDocumented(String name, BiasLayer.Layout expected) throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve(name + ".input.npy"));
    FullGradGraph fg = FullGradGraph.build(OnnxGraph.read(GOLDEN.resolve(name + ".onnx")), x.c(), x.h(), x.w(),
        false);
    Map<BiasLayer.Layout, Long> count = fg.biasLayers().stream()
        .collect(Collectors.groupingBy(BiasLayer::layout, Collectors.counting()));
    assertThat(count).containsKey(expected);
    assertThat(count).containsKey(BiasLayer.Layout.CHANNELS_FIRST); // the patch embedding's Conv
    if (name.equals("vit_small")) {
      // ln_1, ln_2 and two MLP Linear layers per encoder layer, and the final LayerNorm: 2 x 4 + 1 on the grid;
      // the attention's packed in-projection (sequence-first [T, N, 3E]) and the head are not
      assertThat(count.get(BiasLayer.Layout.TOKENS)).isEqualTo(9);
      assertThat(count.get(BiasLayer.Layout.NOT_ON_IMAGE)).isGreaterThanOrEqualTo(3);
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
