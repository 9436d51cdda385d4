package dev.vigil.saliency.sanity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.SaliencyOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model-randomisation sanity check (Adebayo et al. 2018) on the ConvNeXt and ViT goldens: FullGrad's maps must
 * depend on the weights, so re-drawing the top block (ConvNeXt: head, LayerNorm, the last CNBlock; ViT: head, final
 * LayerNorm, the last encoder layer; 8 layers) must bring their rank correlation with the original maps below 0.3.
 * It need not fall monotonically: on these random-weight models it was 0.42, 0.23, 0.22, ... for ConvNeXt and
 * 0.78, 0.79, 0.71, 0.87, 0.84, 0.82, -0.07, -0.08 for ViT (the input term sum_c P(df/dx * x) keeps some of the
 * image's own structure until the gradient reaching the input changes).
 */
class TransformerSanityTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  /** Layers re-drawn: the head and the last block of both models. */
  static final int TOP_BLOCK_LAYERS = 8;

  @TempDir Path dir;

  @BeforeAll
  static void loadOrt() throws InterruptedException {
    OrtTestSupport.init();
  }

  @ParameterizedTest
  @ValueSource(strings = {"convnext_small", "vit_small"})
  void mapsDecorrelateUnderCascadingRandomisation(String name) throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve(name + ".input.npy"));
    ModelRandomization check = new ModelRandomization(GOLDEN.resolve(name + ".onnx"),
        SaliencyOptions.DEFAULTS.withIntraOpThreads(1), 18);
    ModelRandomization.Report report = check.run(x, null, TOP_BLOCK_LAYERS, dir.resolve("work"), null);
    StringBuilder trace = new StringBuilder(name);
    for (ModelRandomization.Step s : report.steps()) {
      trace.append(String.format(" %s:%.2f", s.layer().opType(), s.meanSpearman()));
    }
    System.out.println(trace);
    assertThat(report.steps()).hasSize(TOP_BLOCK_LAYERS);
    double lowest = report.steps().stream().mapToDouble(ModelRandomization.Step::meanSpearman).min().orElseThrow();
    assertThat(lowest).as(trace.toString()).isLessThan(0.3);
  }
}
