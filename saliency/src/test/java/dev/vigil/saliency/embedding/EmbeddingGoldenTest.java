package dev.vigil.saliency.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.saliency.EmbeddingModel;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.autodiff.OnnxGraph;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The embeddings ONNX Runtime reads through {@link EmbeddingGraph} are PyTorch's penultimate
 * activations (the input of the last nn.Linear, {@code saliency/scripts/make_embedding_golden.py},
 * float64), for a CNN, a VGG head with dropout and a ViT; the soft-max is that of the golden logits.
 */
class EmbeddingGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @ParameterizedTest
  @ValueSource(strings = {"resnet_small", "vgg_small", "vit_small"})
  void penultimateActivationsMatchPyTorch(String name) throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve(name + ".input.npy"));
    Npy.Array expected = Npy.read(GOLDEN.resolve(name + ".embedding.npy"));
    Npy.Array logits = Npy.read(GOLDEN.resolve(name + ".logits.npy"));
    try (EmbeddingModel m = EmbeddingModel.open(GOLDEN.resolve(name + ".onnx"), SaliencyOptions.DEFAULTS, null)) {
      EmbeddingModel.Readings r = m.run(x);
      int d = expected.data().length / x.n();
      int k = logits.data().length / x.n();
      for (int i = 0; i < x.n(); i++) {
        assertThat(r.embeddings()[i]).hasSize(d);
        for (int j = 0; j < d; j++) {
          assertThat(r.embeddings()[i][j]).as("%s embedding[%d][%d]", name, i, j)
              .isCloseTo(expected.data()[i * d + j], within(1e-4f + 1e-4f * Math.abs(expected.data()[i * d + j])));
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          max = Math.max(max, logits.data()[i * k + c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
          sum += Math.exp(logits.data()[i * k + c] - max);
        }
        for (int c = 0; c < k; c++) {
          assertThat((double) r.probabilities()[i][c])
              .isCloseTo(Math.exp(logits.data()[i * k + c] - max) / sum, within(1e-5));
        }
      }
    }
  }

  @Test
  void aNamedTensorIsReadAndAnUnknownNameListsCandidates() throws Exception {
    OnnxGraph g = OnnxGraph.read(GOLDEN.resolve("resnet_small.onnx"));
    String penultimate = EmbeddingGraph.of(g, null).embedding();
    assertThat(EmbeddingGraph.of(g, penultimate).embedding()).isEqualTo(penultimate);
    assertThatThrownBy(() -> EmbeddingGraph.of(g, "no-such-node"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'no-such-node' is neither a node nor a tensor").hasMessageContaining("candidates");
  }
}
