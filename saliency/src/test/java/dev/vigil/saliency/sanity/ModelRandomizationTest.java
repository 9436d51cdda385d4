package dev.vigil.saliency.sanity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.SaliencyOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRandomizationTest {
  @TempDir Path dir;

  @BeforeAll
  static void loadOrt() throws InterruptedException {
    OrtTestSupport.init();
  }

  private static ImageTensor input(int n) {
    Random r = new Random(3);
    float[] x = new float[n * 3 * TinyCnn.SIZE * TinyCnn.SIZE];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new ImageTensor(x, n, 3, TinyCnn.SIZE, TinyCnn.SIZE);
  }

  @Test
  void spearmanMatchesTheTextbookDefinition() {
    assertThat(Spearman.correlation(new float[] {1, 5, 9}, new float[] {2, 3, 100})).isEqualTo(1);
    assertThat(Spearman.correlation(new float[] {1, 5, 9}, new float[] {3, 2, 1})).isEqualTo(-1);
    // ties get their average rank: [1, 2.5, 2.5, 4] vs [1, 2, 3, 4]
    assertThat(Spearman.correlation(new float[] {0, 7, 7, 9}, new float[] {1, 2, 3, 4}))
        .isCloseTo(0.9486832980505138, within(1e-12));
    assertThat(Spearman.correlation(new float[] {4, 4, 4}, new float[] {1, 2, 3})).isNaN();
  }

  @Test
  void layersAreListedFromTheTop() {
    List<ModelRandomization.Layer> layers = ModelRandomization.layersFromTop(TinyCnn.model(1));
    assertThat(layers)
        .extracting(ModelRandomization.Layer::node)
        .containsExactly("fc", "conv2", "conv1");
    assertThat(layers.get(0).initializers()).containsExactly("fc.weight", "fc.bias");
  }

  @Test
  void randomisingTheTopLayerChangesOnlyItKeepingItsScale() {
    ModelProto model = TinyCnn.model(1);
    List<ModelRandomization.Layer> layers = ModelRandomization.layersFromTop(model);
    ModelProto once = ModelRandomization.randomise(model, layers, 1, 42);
    ModelProto again = ModelRandomization.randomise(model, layers, 1, 42);
    assertThat(once).isEqualTo(again);
    for (TensorProto t : model.getGraph().getInitializerList()) {
      TensorProto r =
          once.getGraph().getInitializerList().stream()
              .filter(x -> x.getName().equals(t.getName()))
              .findFirst()
              .orElseThrow();
      float[] before = ModelRandomization.floats(t);
      float[] after = ModelRandomization.floats(r);
      if (t.getName().startsWith("fc.")) {
        assertThat(after).isNotEqualTo(before);
      } else {
        assertThat(after).isEqualTo(before);
      }
    }
    // the big conv2 weight keeps roughly its standard deviation when re-drawn
    ModelProto all = ModelRandomization.randomise(model, layers, 3, 42);
    float[] w0 = ModelRandomization.floats(model.getGraph().getInitializer(2));
    float[] w1 = ModelRandomization.floats(all.getGraph().getInitializer(2));
    assertThat(std(w1)).isCloseTo(std(w0), within(0.3 * std(w0)));
    assertThat(w1).isNotEqualTo(w0);
  }

  private static double std(float[] v) {
    double m = 0;
    for (float x : v) {
      m += x;
    }
    m /= v.length;
    double s = 0;
    for (float x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / v.length);
  }

  @Test
  void cascadeReportsOneCorrelationPerLayerAndImageReproducibly() throws Exception {
    Path model = TinyCnn.write(dir.resolve("tiny.onnx"), 5);
    ModelRandomization check = new ModelRandomization(model, SaliencyOptions.DEFAULTS, 9);
    List<Integer> seen = new ArrayList<>();
    ModelRandomization.Report report =
        check.run(input(2), null, 10, dir.resolve("work"), (done, total, step) -> {
          assertThat(total).isEqualTo(3);
          seen.add(done);
        });
    assertThat(seen).containsExactly(1, 2, 3);
    assertThat(report.steps()).hasSize(3);
    assertThat(report.targets()).hasSize(2);
    for (ModelRandomization.Step s : report.steps()) {
      assertThat(s.spearman()).hasSize(2);
      assertThat(s.meanSpearman()).isBetween(-1.0, 1.0);
    }
    // with every layer random the maps are no longer the original ones
    assertThat(report.steps().get(2).meanSpearman()).isLessThan(0.999);
    assertThat(dir.resolve("work")).isEmptyDirectory();
    ModelRandomization.Report again =
        check.run(input(2), null, 10, dir.resolve("work"), null);
    assertThat(again.steps().get(1).spearman()).isEqualTo(report.steps().get(1).spearman());
  }
}
