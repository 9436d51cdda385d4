package dev.vigil.saliency;

import static dev.vigil.saliency.autodiff.GraphBuilder.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vigil.saliency.autodiff.Backpropagation;
import dev.vigil.saliency.autodiff.TinyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullGradExplainerTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @TempDir
  Path dir;

  @Test
  void batchOfNEqualsNSingleRuns() throws Exception {
    ImageTensor two = Npy.readImage(GOLDEN.resolve("resnet_small.input.npy"));
    float[] data = new float[3 * two.imageSize()];
    System.arraycopy(two.data(), 0, data, 0, two.data().length);
    for (int j = 0; j < two.imageSize(); j++) {
      data[2 * two.imageSize() + j] = -0.5f * two.data()[j];
    }
    ImageTensor batch = new ImageTensor(data, 3, two.c(), two.h(), two.w());
    int[] targets = {-1, 4, 9};
    try (FullGradExplainer e = FullGradExplainer.open(GOLDEN.resolve("resnet_small.onnx"),
        SaliencyOptions.DEFAULTS.withBatchSize(2).withIntraOpThreads(1))) {
      SaliencyResult all = e.explain(batch, targets);
      assertThat(all.n()).isEqualTo(3);
      assertThat(all.targets()[1]).isEqualTo(4);
      assertThat(all.targets()[2]).isEqualTo(9);
      for (int i = 0; i < 3; i++) {
        SaliencyResult one = e.explain(batch.slice(i, i + 1), new int[] {targets[i]});
        assertThat(one.targets()[0]).isEqualTo(all.targets()[i]);
        float[] expected = one.map(0);
        float[] actual = all.map(i);
        for (int p = 0; p < expected.length; p++) {
          assertThat(actual[p]).as("image %d pixel %d", i, p).isCloseTo(expected[p],
              org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(all.logits(i)).containsExactly(one.logits(0), org.assertj.core.data.Offset.offset(1e-5f));
      }
      assertThat(all.map(0)).isNotEqualTo(all.map(2));
    }
  }

  @Test
  void argmaxIsTheDefaultTargetAndProvenanceIsFilled() throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve("vgg_small.input.npy"));
    try (FullGradExplainer e = FullGradExplainer.open(GOLDEN.resolve("vgg_small.onnx"), SaliencyOptions.DEFAULTS)) {
      SaliencyResult r = e.explain(x, null);
      for (int i = 0; i < r.n(); i++) {
        float[] z = r.logits(i);
        int argmax = 0;
        for (int k = 1; k < z.length; k++) {
          argmax = z[k] > z[argmax] ? k : argmax;
        }
        assertThat(r.targets()[i]).isEqualTo(argmax);
      }
      Provenance p = r.provenance();
      assertThat(p.method()).isEqualTo("FullGrad");
      assertThat(p.modelSha256()).hasSize(64).isEqualTo(e.modelSha256());
      assertThat(p.opset()).isEqualTo(17);
      assertThat(p.device()).isEqualTo("cpu");
      assertThat(p.targetsGiven()).isFalse();
      assertThat(p.targets()).containsExactly(r.targets());
      assertThat(p.intraOpThreads()).isEqualTo(2);
      assertThat(p.inputSha256()).hasSize(64);
      assertThat(e.explain(x.slice(0, 1), null).provenance().inputSha256()).isNotEqualTo(p.inputSha256());
    }
  }

  @Test
  void opset11And13ModelsGiveTheSameMap() throws Exception {
    for (String name : List.of("resnet_small", "mobilenet_v2")) {
      ImageTensor x = Npy.readImage(GOLDEN.resolve(name + ".input.npy"));
      float[] golden = Npy.read(GOLDEN.resolve(name + ".fullgrad.npy")).data();
      for (String variant : List.of(".opset11.onnx", ".opset13.onnx")) {
        try (FullGradExplainer e = FullGradExplainer.open(GOLDEN.resolve(name + variant), SaliencyOptions.DEFAULTS)) {
          assertThat(e.opset()).isEqualTo(variant.contains("11") ? 11 : 13);
          SaliencyResult r = e.explain(x, null);
          for (int p = 0; p < golden.length; p++) {
            assertThat(r.maps()[p]).as("%s%s pixel %d", name, variant, p).isCloseTo(golden[p],
                org.assertj.core.data.Offset.offset(1e-4f));
          }
        }
      }
    }
  }

  @Test
  void opset18ModelsWithReduceAxesAsInputsGiveTheSameMap() throws Exception {
    ImageTensor x = new ImageTensor(new TinyModel(4).randomInput(2 * 3 * 16 * 16), 2, 3, 16, 16);
    float[][] maps = new float[2][];
    for (int v = 0; v < 2; v++) {
      TinyModel m = new TinyModel(9);
      String conv = m.node("Conv", List.of("x", m.weight(-1, 1, 6, 3, 3, 3), m.weight(-0.2, 0.2, 6)),
          attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 1, 1, 1}));
      String pool = m.node("MaxPool", List.of(m.node("Relu", List.of(conv))), attr("kernel_shape", new long[] {3, 3}),
          attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 1, 1, 1}));
      String flat = m.node("Flatten", List.of(m.node("GlobalAveragePool", List.of(pool))));
      String logits = m.node("Gemm", List.of(flat, m.weight(-1, 1, 4, 6), m.weight(-0.1, 0.1, 4)), attr("transB", 1));
      Path file = dir.resolve("opset" + v + ".onnx");
      Files.write(file, m.build(logits, v == 0 ? 17 : 18, 3, 16, 16).toByteArray());
      try (FullGradExplainer e = FullGradExplainer.open(file, SaliencyOptions.DEFAULTS)) {
        maps[v] = e.explain(x, new int[] {1, 2}).maps();
      }
    }
    assertThat(maps[1]).containsExactly(maps[0], org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void unsupportedOpFailsWithOpNodeAndSupportedList() throws Exception {
    TinyModel m = new TinyModel(3);
    String conv = m.node("Conv", List.of("x", m.weight(-1, 1, 4, 3, 3, 3)));
    String sin = m.node("Sin", List.of(conv));
    String logits = m.node("Flatten", List.of(m.node("GlobalAveragePool", List.of(sin))));
    Path model = dir.resolve("sin.onnx");
    Files.write(model, m.build(logits, 17, 3, 8, 8).toByteArray());
    assertThat(Backpropagation.supportedOps()).containsExactly("Add", "AveragePool", "BatchNormalization", "Clip",
        "Concat", "Conv", "Div", "Dropout", "Einsum", "Erf", "Expand", "Flatten", "Gather", "Gelu", "Gemm",
        "GlobalAveragePool", "HardSigmoid", "HardSwish", "Identity", "LayerNormalization", "LeakyRelu", "LogSoftmax",
        "MatMul", "MaxPool", "Mul", "Pad", "Pow", "ReduceL2", "ReduceMean", "Relu", "Reshape", "Resize", "Sigmoid",
        "Slice", "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze", "Where");
    assertThatThrownBy(() -> FullGradExplainer.open(model, SaliencyOptions.DEFAULTS).close())
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("cannot differentiate op Sin (node 'Sin_2') on the path from input 'x' to the logits; "
            + "supported ops: " + String.join(", ", Backpropagation.supportedOps()));
  }

  @Test
  void weightsSharedThroughIdentityNodesCountAsConstants() throws Exception {
    // PyTorch's exporter shares equal initializers (unit BN scales, zero biases) through Identity nodes.
    TinyModel m = new TinyModel(3);
    String conv = m.node("Conv", List.of("x", m.weight(-1, 1, 4, 3, 3, 3), m.weight(-1, 1, 4)));
    String ones = m.constant(new float[] {1, 1, 1, 1}, 4);
    String bn = m.node("BatchNormalization", List.of(m.node("Relu", List.of(conv)), m.node("Identity", List.of(ones)),
        m.weight(-1, 1, 4), m.weight(-1, 1, 4), m.node("Identity", List.of(ones))));
    String logits = m.node("Flatten", List.of(m.node("GlobalAveragePool", List.of(bn))));
    Path model = dir.resolve("shared.onnx");
    Files.write(model, m.build(logits, 17, 3, 8, 8).toByteArray());
    ImageTensor x = new ImageTensor(m.randomInput(3 * 64), 1, 3, 8, 8);
    try (FullGradExplainer e = FullGradExplainer.open(model, SaliencyOptions.DEFAULTS)) {
      assertThat(e.explain(x, new int[] {1}).maps()).hasSize(64);
    }
  }

  @Test
  void unsupportedOpOffTheLogitsPathIsIgnored() throws Exception {
    TinyModel m = new TinyModel(3);
    String conv = m.node("Conv", List.of("x", m.weight(-1, 1, 4, 3, 3, 3), m.weight(-1, 1, 4)));
    m.node("Sin", List.of(conv)); // a dangling branch (e.g. a debug head)
    String logits = m.node("Flatten", List.of(m.node("GlobalAveragePool", List.of(m.node("Relu", List.of(conv))))));
    Path model = dir.resolve("branch.onnx");
    Files.write(model, m.build(logits, 17, 3, 8, 8).toByteArray());
    try (FullGradExplainer e = FullGradExplainer.open(model, SaliencyOptions.DEFAULTS)) {
      SaliencyResult r = e.explain(new ImageTensor(m.randomInput(3 * 64), 1, 3, 8, 8), null);
      assertThat(r.numClasses()).isEqualTo(4);
    }
  }

  @Test
  void batchNormAfterConvGivesTheSameMapAsTheFoldedExport() throws Exception {
    float[] w = new TinyModel(5).randomInput(4 * 3 * 9);
    float[] b = {0.1f, -0.2f, 0.3f, 0.05f};
    float[] gamma = {1.2f, 0.7f, 0.9f, 1.5f};
    float[] beta = {0.2f, -0.1f, 0.4f, -0.3f};
    float[] mu = {0.1f, 0.3f, -0.2f, 0.0f};
    float[] sigma2 = {0.8f, 1.3f, 0.6f, 1.1f};
    float[] fc = new TinyModel(6).randomInput(5 * 4);
    TinyModel unfolded = new TinyModel(1);
    String conv = unfolded.node("Conv", List.of("x", unfolded.constant(w, 4, 3, 3, 3), unfolded.constant(b, 4)),
        attr("pads", new long[] {1, 1, 1, 1}));
    String bn = unfolded.node("BatchNormalization", List.of(conv, unfolded.constant(gamma, 4),
        unfolded.constant(beta, 4), unfolded.constant(mu, 4), unfolded.constant(sigma2, 4)));
    ModelProto a = head(unfolded, bn, fc);
    float[] wf = new float[w.length];
    float[] bf = new float[4];
    for (int m = 0; m < 4; m++) {
      double s = gamma[m] / Math.sqrt(sigma2[m] + 1e-5);
      for (int j = 0; j < 27; j++) {
        wf[m * 27 + j] = (float) (w[m * 27 + j] * s);
      }
      bf[m] = (float) (s * (b[m] - mu[m]) + beta[m]);
    }
    TinyModel folded = new TinyModel(1);
    ModelProto bModel = head(folded, folded.node("Conv", List.of("x", folded.constant(wf, 4, 3, 3, 3),
        folded.constant(bf, 4)), attr("pads", new long[] {1, 1, 1, 1})), fc);
    ImageTensor x = new ImageTensor(new TinyModel(8).randomInput(3 * 100), 1, 3, 10, 10);
    float[] mapA = explain(a, x);
    float[] mapB = explain(bModel, x);
    for (int p = 0; p < mapA.length; p++) {
      assertThat(mapA[p]).isCloseTo(mapB[p], org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  private static ModelProto head(TinyModel m, String features, float[] fc) {
    String relu = m.node("Relu", List.of(features));
    String pooled = m.node("Flatten", List.of(m.node("GlobalAveragePool", List.of(relu))));
    return m.build(m.node("Gemm", List.of(pooled, m.constant(fc, 5, 4)), attr("transB", 1)), 17, 3, 10, 10);
  }

  private float[] explain(ModelProto model, ImageTensor x) throws Exception {
    Path file = Files.createTempFile(dir, "m", ".onnx");
    Files.write(file, model.toByteArray());
    try (FullGradExplainer e = FullGradExplainer.open(file, SaliencyOptions.DEFAULTS)) {
      return e.explain(x, new int[] {2}).maps();
    }
  }

  @Test
  void cudaFallsBackToCpuAndSaysWhy() throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve("vgg_small.input.npy"));
    try (FullGradExplainer e = FullGradExplainer.open(GOLDEN.resolve("vgg_small.onnx"),
        SaliencyOptions.DEFAULTS.withDevice("cuda"))) {
      if (e.device().equals("cuda")) {
        return; // a machine with a working CUDA setup: nothing falls back
      }
      assertThat(e.deviceNote()).satisfiesAnyOf(
          n -> assertThat(n).contains("no CUDA execution provider").contains("-Pgpu"),
          n -> assertThat(n).contains("were not found"),
          n -> assertThat(n).contains("failed to start"));
      SaliencyResult r = e.explain(x, null);
      assertThat(r.provenance().device()).isEqualTo("cpu");
      assertThat(r.provenance().deviceNote()).isEqualTo(e.deviceNote());
    }
  }

  @Test
  void rejectsTargetsOutsideTheClasses() throws Exception {
    ImageTensor x = Npy.readImage(GOLDEN.resolve("vgg_small.input.npy"));
    try (FullGradExplainer e = FullGradExplainer.open(GOLDEN.resolve("vgg_small.onnx"), SaliencyOptions.DEFAULTS)) {
      assertThatThrownBy(() -> e.explain(x, new int[] {0, 10}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("target class 10 of image 1 is outside 0..9 (or -1 for the predicted class)");
      assertThatThrownBy(() -> e.explain(x, new int[] {0}))
          .hasMessage("got 1 targets for a batch of 2");
    }
  }

  @Test
  void rejectsFilesThatAreNotOnnxModels() throws Exception {
    Path junk = dir.resolve("junk.onnx");
    Files.writeString(junk, "this is not a model");
    assertThatThrownBy(() -> FullGradExplainer.open(junk, SaliencyOptions.DEFAULTS))
        .isInstanceOf(java.io.IOException.class).hasMessageContaining("is not an ONNX model");
    assertThatThrownBy(() -> FullGradExplainer.open(dir.resolve("missing.onnx"), SaliencyOptions.DEFAULTS))
        .isInstanceOf(java.io.IOException.class).hasMessageContaining("does not exist");
  }

  @Test
  void inputHashIsTheSha256OfLittleEndianFloat32() throws Exception {
    // 40,000 values: two full 64 KiB chunks and a partial one, so chunk boundaries are covered.
    float[] data = new float[40_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) Math.sin(i) * 1e3f + i;
    }
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4 * data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : data) {
      bytes.putFloat(v);
    }
    String expected = java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    assertThat(FullGradExplainer.sha256(data)).isEqualTo(expected);
    // 1.0f is 00 00 80 3f little-endian; its SHA-256 as printed by `printf '\x00\x00\x80\x3f' | sha256sum`.
    assertThat(FullGradExplainer.sha256(new float[] {1f}))
        .isEqualTo("e00e5eb9444182f352323374ef4e08ebcb784725fdd4fd612d7730540b3e0c8c");
  }
}
