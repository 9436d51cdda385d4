package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.ByteString;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaliencyCommandTest {
  private static final int SIZE = 16;
  private static final int CLASSES = 5;

  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path model;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void buildModel() throws Exception {
    // ORT's native start-up needs a big stack (see SaliencyCommand.ORT_STACK_BYTES).
    Thread t = new Thread(null, OrtEnvironment::getEnvironment, "ort-init", 64L << 20);
    t.start();
    t.join();
    model = Files.write(shared.resolve("tiny.onnx"), tinyCnn("Relu").toByteArray());
  }

  private int run(String... args) {
    return TestCli.capturing(out, err).execute(args);
  }

  private static ImageTensor tensor(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 3 * SIZE * SIZE];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return new ImageTensor(x, n, 3, SIZE, SIZE);
  }

  private Path png(String name, int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 6 << 16) | (y * 8 << 8) | 0x40);
      }
    }
    Path f = dir.resolve(name);
    ImageIO.write(img, "png", f.toFile());
    return f;
  }

  private void assertOneLineError(String expectedStart) {
    String e = err.toString();
    assertThat(e).startsWith(expectedStart);
    assertThat(e.strip()).doesNotContain("\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void outNpyIsExactlyTheExplainersRawMaps() throws Exception {
    ImageTensor x = tensor(2, 1);
    Path in = dir.resolve("x.npy");
    Npy.write(in, x);
    Path outNpy = dir.resolve("maps.npy");

    int code = run("saliency", "--model", model.toString(), "--input", in.toString(),
        "--out-npy", outNpy.toString());

    assertThat(code).as(err.toString()).isEqualTo(0);
    Npy.Array maps = Npy.read(outNpy);
    assertThat(maps.shape()).containsExactly(2, 1, SIZE, SIZE);
    assertThat(maps.dtype()).isEqualTo("<f4");
    SaliencyResult expected;
    try (FullGradExplainer e = FullGradExplainer.open(model, SaliencyOptions.DEFAULTS)) {
      expected = e.explain(x, null);
    }
    assertThat(maps.data()).containsExactly(expected.maps());
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(2);
    for (int i = 0; i < 2; i++) {
      float[] p = expected.probabilities(i);
      int predicted = SaliencyCommand.argmax(p);
      assertThat(lines[i]).isEqualTo(String.format(java.util.Locale.ROOT,
          "item %d: predicted %d (%d) confidence %.4f; explained class %d", i, predicted,
          predicted, p[predicted], expected.targets()[i]));
    }
  }

  @Test
  void classOptionExplainsThatClassAndJsonInputWorks() throws Exception {
    Path in = dir.resolve("x.json");
    float[] d = tensor(1, 2).data();
    StringBuilder json = new StringBuilder("[");
    for (int c = 0; c < 3; c++) {
      json.append(c == 0 ? "[" : ",[");
      for (int y = 0; y < SIZE; y++) {
        json.append(y == 0 ? "[" : ",[");
        for (int x = 0; x < SIZE; x++) {
          json.append(x == 0 ? "" : ",").append(d[(c * SIZE + y) * SIZE + x]);
        }
        json.append(']');
      }
      json.append(']');
    }
    Files.writeString(in, json.append(']'));
    Path labels = Files.writeString(dir.resolve("labels.txt"), "a\nb\nc\nstop\ne\n");

    int code = run("saliency", "--model", model.toString(), "--input", in.toString(),
        "--class", "3", "--labels", labels.toString());

    assertThat(code).as(err.toString()).isEqualTo(0);
    assertThat(out.toString()).endsWith("explained class 3\n").matches("(?s)item 0: predicted \\d \\(\\w+\\) confidence 0\\.\\d{4}; .*");
  }

  @Test
  void imageInputGetsOverlaysAtOriginalSizeAndAPanel() throws Exception {
    Path img = png("sign.png", 40, 30);
    Path outPng = dir.resolve("out/overlay.png");

    int code = run("saliency", "--model", model.toString(), "--input", img.toString(),
        "--width", "16", "--height", "16", "--resize", "shorter-side-center-crop",
        "--out-png", outPng.toString(), "--panel", "--out-npy", dir.resolve("m.npy").toString());

    assertThat(code).as(err.toString()).isEqualTo(0);
    BufferedImage overlay = ImageIO.read(outPng.toFile());
    assertThat(overlay.getWidth()).isEqualTo(40);
    assertThat(overlay.getHeight()).isEqualTo(30);
    // the crop is the middle 30 x 30: the outer 5 columns show the image untouched
    assertThat(overlay.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x000040);
    assertThat(overlay.getRGB(20, 15) & 0xFFFFFF).isNotEqualTo((20 * 6 << 16) | (15 * 8 << 8) | 0x40);
    BufferedImage panel = ImageIO.read(dir.resolve("out/overlay-panel.png").toFile());
    assertThat(panel.getHeight()).isEqualTo(28 + 224 + 8);
    assertThat(Npy.read(dir.resolve("m.npy")).shape()).containsExactly(1, 1, SIZE, SIZE);
  }

  @Test
  void batchOfTwoWritesNumberedPngs() throws Exception {
    Path in = dir.resolve("x.npy");
    Npy.write(in, tensor(2, 3));
    Path outPng = dir.resolve("o.png");

    assertThat(run("saliency", "--model", model.toString(), "--input", in.toString(),
        "--out-png", outPng.toString())).isEqualTo(0);

    assertThat(dir.resolve("o-0.png")).exists();
    assertThat(ImageIO.read(dir.resolve("o-1.png").toFile()).getWidth()).isEqualTo(SIZE);
    assertThat(outPng).doesNotExist();
  }

  @Test
  void missingModelIsExitTwoWithOneLine() throws Exception {
    Path in = dir.resolve("x.npy");
    Npy.write(in, tensor(1, 1));
    assertThat(run("saliency", "--model", dir.resolve("nope.onnx").toString(), "--input",
        in.toString())).isEqualTo(2);
    assertOneLineError("vigil saliency: model " + dir.resolve("nope.onnx") + " does not exist\n");
  }

  @Test
  void notAnOnnxFileIsExitTwoWithOneLine() throws Exception {
    Path in = dir.resolve("x.npy");
    Npy.write(in, tensor(1, 1));
    Path bogus = Files.writeString(dir.resolve("model.onnx"), "this is not protobuf at all");
    assertThat(run("saliency", "--model", bogus.toString(), "--input", in.toString()))
        .isEqualTo(2);
    assertOneLineError("vigil saliency: ");
    assertThat(err.toString()).contains("model.onnx");
  }

  @Test
  void unsupportedOpGivesTheAutodiffMessageOnOneLine() throws Exception {
    Path elu = Files.write(dir.resolve("elu.onnx"), tinyCnn("Elu").toByteArray());
    Path in = dir.resolve("x.npy");
    Npy.write(in, tensor(1, 1));
    assertThat(run("saliency", "--model", elu.toString(), "--input", in.toString())).isEqualTo(2);
    assertOneLineError("vigil saliency: ");
    assertThat(err.toString()).contains("Elu").contains("relu1");
  }

  @Test
  void badNpyIsExitTwoNamingTheFile() throws Exception {
    Path in = Files.writeString(dir.resolve("x.npy"), "garbage");
    assertThat(run("saliency", "--model", model.toString(), "--input", in.toString()))
        .isEqualTo(2);
    assertOneLineError("vigil saliency: " + in + ": not a .npy file");
  }

  @Test
  void brokenImageIsExitTwoWithTheDecoderMessage() throws Exception {
    Path good = png("in.png", 20, 20);
    byte[] bytes = Files.readAllBytes(good);
    Path broken = Files.write(dir.resolve("input.png"), Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(run("saliency", "--model", model.toString(), "--input", broken.toString(),
        "--width", "16", "--height", "16")).isEqualTo(2);
    assertOneLineError("vigil saliency: " + broken
        + " is not a readable PNG/JPEG image (truncated?): ");
  }

  @Test
  void classOutOfRangeIsExitTwo() throws Exception {
    Path in = dir.resolve("x.npy");
    Npy.write(in, tensor(1, 1));
    assertThat(run("saliency", "--model", model.toString(), "--input", in.toString(), "--class",
        "7")).isEqualTo(2);
    assertOneLineError("vigil saliency: target class 7 of image 0 is outside 0..4");
  }

  @Test
  void badOptionValuesAreOneLineBadInput() throws Exception {
    Path in = dir.resolve("x.npy");
    Npy.write(in, tensor(1, 1));
    assertThat(run("saliency", "--model", model.toString(), "--input", in.toString(), "--class",
        "stop")).isEqualTo(2);
    assertOneLineError("vigil saliency: --class 'stop' is not a whole number\n");
    err.getBuffer().setLength(0);
    Path img = png("b.png", 8, 8);
    assertThat(run("saliency", "--model", model.toString(), "--input", img.toString(),
        "--width", "16", "--height", "16", "--mean", "0.5,x,0.5")).isEqualTo(2);
    assertOneLineError("vigil saliency: --mean 'x' is not a number\n");
    err.getBuffer().setLength(0);
    assertThat(run("saliency", "--model", model.toString(), "--input", img.toString(),
        "--width", "0", "--height", "16")).isEqualTo(2);
    assertOneLineError("vigil saliency: preprocessing: width 0 must be in 1..8192\n");
    err.getBuffer().setLength(0);
    assertThat(run("saliency", "--model", model.toString(), "--input", in.toString(),
        "--device", "gpu")).isEqualTo(2);
    assertOneLineError("vigil saliency: saliency.device must be cpu or cuda, got 'gpu'\n");
  }

  @Test
  void imageWithoutSizeSaysWhatToGive() throws Exception {
    Path img = png("a.png", 8, 8);
    assertThat(run("saliency", "--model", model.toString(), "--input", img.toString()))
        .isEqualTo(2);
    assertOneLineError("vigil saliency: " + img + " is an image but no pre-processing");
  }

  @Test
  void missingInputIsExitTwo() {
    assertThat(run("saliency", "--model", model.toString())).isEqualTo(2);
    assertOneLineError("vigil saliency: --input is required");
  }

  @Test
  void configSuppliesPreprocessingModelAndLabels() throws Exception {
    Path labels = Files.writeString(dir.resolve("labels.txt"), "zero\none\ntwo\nthree\nfour\n");
    Path yaml = Files.writeString(dir.resolve("vigil.yaml"), """
        endpoints:
          - name: signs
            upstream: http://127.0.0.1:8080
            labels: %s
            preprocessing: {width: 16, height: 16, resize: center-crop}
        saliency: {model: %s, intraOpThreads: 1}
        """.formatted(labels, model));
    Path img = png("a.png", 20, 20);
    int code = run("saliency", "--config", yaml.toString(), "--input", img.toString());
    assertThat(code).as(err.toString()).isEqualTo(0);
    assertThat(out.toString()).matches("item 0: predicted \\d \\((zero|one|two|three|four)\\) .*\\n");
  }

  @Test
  void helpWorksOnBothCommands() {
    assertThat(run("saliency", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("--out-npy", "--out-png", "Exit codes");
    assertThat(run("saliency", "sanity", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("Adebayo");
  }

  @Test
  void sanityPrintsOneCorrelationPerLayerWithProgress() throws Exception {
    Path in = dir.resolve("x.npy");
    Npy.write(in, tensor(1, 4));
    int code = run("saliency", "sanity", "--model", model.toString(), "--input", in.toString(),
        "--seed", "7");
    assertThat(code).as(err.toString()).isEqualTo(0);
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[2]).startsWith("1     fc ");
    assertThat(lines[3]).startsWith("2     conv2 ");
    assertThat(lines[4]).startsWith("3     conv1 ").matches(".* -?[01]\\.\\d{4}");
    assertThat(err.toString()).contains("[##############################] 3/3 conv1");
  }

  /** Conv-act-Conv-act-GAP-Flatten-Gemm, seeded; {@code act} is the activation op type. */
  static ModelProto tinyCnn(String act) {
    Random rng = new Random(11);
    GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
    g.addInput(value("input", -1, 3, SIZE, SIZE));
    g.addOutput(value("logits", -1, CLASSES));
    g.addInitializer(tensor("conv1.weight", rng, 0.4, 4, 3, 3, 3));
    g.addInitializer(tensor("conv1.bias", rng, 0.1, 4));
    g.addInitializer(tensor("conv2.weight", rng, 0.3, 6, 4, 3, 3));
    g.addInitializer(tensor("conv2.bias", rng, 0.1, 6));
    g.addInitializer(tensor("fc.weight", rng, 0.5, CLASSES, 6));
    g.addInitializer(tensor("fc.bias", rng, 0.1, CLASSES));
    g.addNode(node("Conv", "conv1", "c1", "input", "conv1.weight", "conv1.bias")
        .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("kernel_shape", 3, 3)));
    g.addNode(node(act, "relu1", "r1", "c1"));
    g.addNode(node("Conv", "conv2", "c2", "r1", "conv2.weight", "conv2.bias")
        .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("strides", 2, 2))
        .addAttribute(ints("kernel_shape", 3, 3)));
    g.addNode(node("Relu", "relu2", "r2", "c2"));
    g.addNode(node("GlobalAveragePool", "gap", "p", "r2"));
    g.addNode(node("Flatten", "flatten", "f", "p"));
    g.addNode(node("Gemm", "fc", "logits", "f", "fc.weight", "fc.bias")
        .addAttribute(AttributeProto.newBuilder().setName("transB").setI(1)
            .setType(AttributeProto.AttributeType.INT)));
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("vigil-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(g).build();
  }

  private static NodeProto.Builder node(String op, String name, String output, String... in) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
    for (String i : in) {
      n.addInput(i);
    }
    return n;
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static TensorProto tensor(String name, Random rng, double scale, int... dims) {
    int count = 1;
    for (int d : dims) {
      count *= d;
    }
    ByteBuffer raw = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      raw.putFloat((float) (rng.nextGaussian() * scale));
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.FLOAT.getNumber())
        .setRawData(ByteString.copyFrom(raw.array()));
    for (int d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static ValueInfoProto value(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0
          ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
        .build();
  }
}
