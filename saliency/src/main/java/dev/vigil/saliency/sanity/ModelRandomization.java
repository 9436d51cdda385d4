package dev.vigil.saliency.sanity;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import com.google.protobuf.ByteString;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.SaliencyResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model-randomisation sanity check of Adebayo et al., "Sanity Checks for Saliency Maps",
 * NeurIPS 2018 (section 3.1, cascading randomisation): re-randomise the weights layer by layer
 * from the top (logits) down, recompute the maps after each step, and measure how similar they
 * still are to the original maps. A method whose maps stay similar while the model is destroyed
 * explains the input, not the model; FullGrad's rank correlation should fall towards 0.
 *
 * <p>Layers are the nodes that carry float32 initializers: Conv, ConvTranspose, Gemm, MatMul, Einsum
 * (weights and bias), BatchNormalization (scale and bias, not the running statistics) and
 * LayerNormalization (scale and bias; transformers), in
 * reverse graph order (ONNX graphs are topologically sorted). Each randomised tensor is drawn
 * from a Gaussian with the trained tensor's own mean and standard deviation (the original
 * initialiser is unknown, so its scale is kept), from a {@link SplittableRandom} seeded by
 * {@code seed} and the layer's position: step k therefore re-uses the draws of steps before it,
 * and the whole cascade is reproducible.
 *
 * <p>The explained class is fixed to the original model's (or the given) target for every step,
 * so each step compares evidence for the same class. Each step writes a temporary model file and
 * opens it with {@link FullGradExplainer}, exactly as a user's model is opened.
 */
public final class ModelRandomization {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRandomization.class);

  private static final Set<String> WEIGHTED =
      Set.of("Conv", "ConvTranspose", "Gemm", "MatMul", "BatchNormalization", "LayerNormalization", "Einsum");

  /**
   * A layer that can be re-randomised.
   *
   * @param node node name (or {@code op#index} when unnamed)
   * @param opType ONNX op type
   * @param initializers names of the float32 initializers re-drawn for it
   */
  public record Layer(String node, String opType, List<String> initializers) {
    public Layer {
      initializers = List.copyOf(initializers);
    }
  }

  /**
   * One step of the cascade.
   *
   * @param index 0 for the top layer, counting down the network
   * @param layer the layer randomised at this step (all above it already are)
   * @param spearman per image, rank correlation of this step's map with the original map
   */
  public record Step(int index, Layer layer, double[] spearman) {
    /** Mean over the images, ignoring NaN (flat maps); NaN when all are. */
    public double meanSpearman() {
      double sum = 0;
      int n = 0;
      for (double s : spearman) {
        if (!Double.isNaN(s)) {
          sum += s;
          n++;
        }
      }
      return n == 0 ? Double.NaN : sum / n;
    }
  }

  /**
   * The whole check.
   *
   * @param targets class explained per image
   * @param steps the cascade, top layer first
   */
  public record Report(int[] targets, List<Step> steps) {}

  /** Called after each step (for progress bars); {@code done} runs 1..total. */
  @FunctionalInterface
  public interface Progress {
    void stepDone(int done, int total, Step step);
  }

  private final Path model;
  private final SaliencyOptions options;
  private final long seed;

  /**
   * @param model the ONNX model file
   * @param options device, threads and batch size for every step
   * @param seed seed of all weight draws
   */
  public ModelRandomization(Path model, SaliencyOptions options, long seed) {
    this.model = Objects.requireNonNull(model, "model");
    this.options = Objects.requireNonNull(options, "options");
    this.seed = seed;
  }

  /**
   * Runs the cascade on {@code input}.
   *
   * @param targetsOrNull class per image (-1 or null: the original model's prediction)
   * @param maxSteps randomise at most this many layers (from the top); all when larger
   * @param workDir where the per-step models are written (and deleted after use)
   * @throws IOException when the model cannot be read or a step's model written
   * @throws OrtException when ONNX Runtime fails
   */
  public Report run(
      ImageTensor input, int[] targetsOrNull, int maxSteps, Path workDir, Progress progress)
      throws IOException, OrtException {
    ModelProto proto = read(model);
    List<Layer> layers = layersFromTop(proto);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException(
          model + " has no layers with float32 weight initializers (Conv, Gemm, MatMul,"
              + " BatchNormalization) to randomise");
    }
    int total = Math.min(maxSteps, layers.size());
    SaliencyResult original;
    try (FullGradExplainer explainer = FullGradExplainer.open(model, options)) {
      original = explainer.explain(input, targetsOrNull);
    }
    int[] targets = original.targets();
    List<Step> steps = new ArrayList<>();
    Files.createDirectories(workDir);
    for (int k = 0; k < total; k++) {
      ModelProto randomised = randomise(proto, layers, k + 1, seed);
      Path stepModel = workDir.resolve("sanity-step-" + k + ".onnx");
      Files.write(stepModel, randomised.toByteArray());
      SaliencyResult result;
      try (FullGradExplainer explainer = FullGradExplainer.open(stepModel, options)) {
        result = explainer.explain(input, targets);
      } finally {
        Files.deleteIfExists(stepModel);
      }
      double[] rho = new double[input.n()];
      for (int i = 0; i < input.n(); i++) {
        rho[i] = Spearman.correlation(original.map(i), result.map(i));
      }
      Step step = new Step(k, layers.get(k), rho);
      LOG.debug("sanity step {} ({}): spearman {}", k, step.layer().node(), step.meanSpearman());
      steps.add(step);
      if (progress != null) {
        progress.stepDone(k + 1, total, step);
      }
    }
    return new Report(targets, steps);
  }

  static ModelProto read(Path model) throws IOException {
    if (!Files.isRegularFile(model)) {
      throw new IOException("model " + model + " does not exist");
    }
    try (InputStream in = Files.newInputStream(model)) {
      return ModelProto.parseFrom(in);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException(model + " is not an ONNX model: " + e.getMessage(), e);
    }
  }

  /** The layers of {@code model} that carry float32 initializers, top (output side) first. */
  public static List<Layer> layersFromTop(ModelProto model) {
    GraphProto graph = model.getGraph();
    Map<String, TensorProto> init = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      init.put(t.getName(), t);
    }
    List<Layer> layers = new ArrayList<>();
    for (int n = graph.getNodeCount() - 1; n >= 0; n--) {
      NodeProto node = graph.getNode(n);
      if (!WEIGHTED.contains(node.getOpType())) {
        continue;
      }
      // BatchNormalization: only scale (1) and bias (2); the running mean/var are statistics.
      int last =
          node.getOpType().equals("BatchNormalization")
              ? Math.min(2, node.getInputCount() - 1)
              : node.getInputCount() - 1;
      List<String> names = new ArrayList<>();
      for (int i = 0; i <= last; i++) {
        TensorProto t = init.get(node.getInput(i));
        if (t != null && t.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
          names.add(t.getName());
        }
      }
      if (!names.isEmpty()) {
        String name = node.getName().isEmpty() ? node.getOpType() + "#" + n : node.getName();
        layers.add(new Layer(name, node.getOpType(), names));
      }
    }
    return layers;
  }

  /** A copy of {@code model} with the first {@code count} of {@code layers} re-drawn. */
  static ModelProto randomise(ModelProto model, List<Layer> layers, int count, long seed) {
    Map<String, Integer> layerOf = new HashMap<>();
    for (int k = 0; k < count; k++) {
      for (String name : layers.get(k).initializers()) {
        layerOf.putIfAbsent(name, k);
      }
    }
    GraphProto.Builder graph = model.getGraph().toBuilder();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      TensorProto t = graph.getInitializer(i);
      Integer k = layerOf.get(t.getName());
      if (k != null) {
        long tensorSeed = seed * 1_000_003L + k * 101L + layers.get(k).initializers().indexOf(
            t.getName());
        graph.setInitializer(i, redraw(t, new SplittableRandom(tensorSeed)));
      }
    }
    return model.toBuilder().setGraph(graph).build();
  }

  /** Gaussian values with the tensor's own mean and standard deviation. */
  static TensorProto redraw(TensorProto t, SplittableRandom rng) {
    float[] values = floats(t);
    double mean = 0;
    for (float v : values) {
      mean += v;
    }
    mean /= Math.max(1, values.length);
    double var = 0;
    for (float v : values) {
      var += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(var / Math.max(1, values.length));
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) {
      raw.putFloat((float) (mean + std * gaussian(rng)));
    }
    return t.toBuilder()
        .clearFloatData()
        .setRawData(ByteString.copyFrom(raw.array()))
        .build();
  }

  /** Box-Muller (SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble(); // (0, 1]
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  static float[] floats(TensorProto t) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException(
          "initializer " + t.getName() + " is stored in an external file; save the model with"
              + " its weights inside (onnx.save(model, path, save_as_external_data=False))");
    }
    long count = 1;
    for (long d : t.getDimsList()) {
      count *= d;
    }
    float[] out = new float[(int) count];
    if (!t.getRawData().isEmpty()) {
      t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = t.getFloatData(i);
      }
    }
    return out;
  }
}
