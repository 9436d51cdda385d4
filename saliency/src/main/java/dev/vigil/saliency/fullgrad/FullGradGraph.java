package dev.vigil.saliency.fullgrad;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import dev.vigil.saliency.autodiff.Backpropagation;
import dev.vigil.saliency.autodiff.GraphBuilder;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.autodiff.Seeds;
import dev.vigil.saliency.autodiff.TensorShapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier augmented so that one run returns its logits, the explained class and the FullGrad map.
 *
 * <p>FullGrad (Srinivas &amp; Fleuret, "Full-Gradient Representation for Neural Network Visualization",
 * NeurIPS 2019) splits the target logit f of a network with biases exactly:
 * f(x) = sum(df/dx * x) + sum over bias layers l of sum(df/dz_l * b_l) for piecewise-linear nets
 * (completeness). The saliency map aggregates the parts, as the paper's reference implementation does:
 * <pre>
 *   map = sum_c P(df/dx * x) + sum over bias layers l on the image of Resize_HxW(sum_c P(df/dz_l * b_l))
 *   P(t) = u / (max(u) + 1e-6) with u = |t| - min(|t|), min and max over C x H x W of each image
 * </pre>
 * The channel sum of P is taken algebraically on the single-channel map ({@code channelSumOfP}).
 * Resize is bilinear with aligned corners; being linear and the same for every channel it commutes with the
 * channel sum and with the sum over layers of one resolution, so those sums come first (one Resize per
 * resolution). Which layers count and how each lies on the image is {@link BiasLayers}' rule (saliency/README.md,
 * "Bias layers"): Conv biases and BN implicit biases (after folding BN into a preceding Conv) on N x C x H x W;
 * LayerNormalization and Linear (MatMul + Add) biases on channels-last N x H x W x C (ConvNeXt, Swin), with the
 * channels moved first; the same on N x T x C tokens (ViT) after dropping the leading class/distillation tokens
 * and laying the rest on the patch grid. Fully connected biases enter completeness only.
 */
public final class FullGradGraph {

  /** Input: int64 [N], the class to explain per image, or -1 for the argmax. */
  public static final String TARGET_REQUEST = "vigil_target_request";
  /** Output: float [N, K] pre-softmax scores. */
  public static final String LOGITS = "vigil_logits";
  /** Output: int64 [N] the explained class. */
  public static final String TARGET = "vigil_target";
  /** Output: float [N, 1, H, W] FullGrad map. */
  public static final String MAP = "vigil_fullgrad";
  /** Output with exposed gradients: float, shaped like the input, df/dx. */
  public static final String INPUT_GRADIENT = "vigil_grad_input";
  /** Prefix of outputs df/dz_l, one per bias layer (in {@link #biasLayers()} order), when exposed. */
  public static final String BIAS_GRADIENT_PREFIX = "vigil_grad_bias_";

  private static final float EPSILON = 1e-6f;

  private final ModelProto model;
  private final List<BiasLayer> biasLayers;
  private final long classes;

  private FullGradGraph(ModelProto model, List<BiasLayer> biasLayers, long classes) {
    this.model = model;
    this.biasLayers = biasLayers;
    this.classes = classes;
  }

  /**
   * Builds the augmented model for images of c x h x w (any batch size).
   *
   * @param exposeGradients also output df/dx and df/dz of every bias layer (for completeness checks)
   * @throws OrtException when the shape probe run fails
   * @throws UnsupportedOperationException when an op on the gradient path is not supported
   */
  public static FullGradGraph build(OnnxGraph model, int c, int h, int w, boolean exposeGradients)
      throws OrtException {
    OnnxGraph graph = BatchNormFolding.fold(model);
    TensorShapes shapes = TensorShapes.probe(graph, c, h, w);
    long[] logitsShape = shapes.of(graph.logits());
    if (logitsShape.length != 2) {
      throw new IllegalArgumentException("the model output '" + graph.logits() + "' has shape "
          + Arrays.toString(logitsShape) + "; a classifier with N x classes logits was expected");
    }
    GraphBuilder b = new GraphBuilder("vigil/fullgrad/", graph.opset());
    String x = graph.input();
    String t = b.op("Identity", List.of(Seeds.target(b, graph.logits(), TARGET_REQUEST)));
    String seed = Seeds.oneHot(b, t, logitsShape[1]);
    Backpropagation bp = Backpropagation.run(graph, shapes, b, seed);
    long[] grid = BiasLayers.patchGrid(graph, shapes);
    List<BiasLayer> layers = BiasLayers.find(graph, shapes, grid, h, w);

    List<String> parts = new ArrayList<>();
    String dfdx = bp.gradientOf(x);
    if (dfdx != null) {
      parts.add(channelSumOfP(b, b.op("Mul", List.of(dfdx, x)), shapes.of(x)[1], 1));
    }
    // Resize is linear, so the parts of all layers at one resolution are summed first and resized once.
    Map<List<Long>, List<String>> byResolution = new LinkedHashMap<>();
    for (BiasLayer l : layers) {
      String dfdz = bp.gradientOf(l.output());
      if (!l.layout().onImage() || dfdz == null) {
        continue;
      }
      long[] size = mapSize(l, shapes.of(l.output()), grid);
      String part = onImage(b, l, dfdz, shapes.of(l.output()), grid);
      byResolution.computeIfAbsent(List.of(size[0], size[1]), k -> new ArrayList<>()).add(part);
    }
    byResolution.forEach((size, sameSize) -> {
      String summed = sameSize.size() == 1 ? sameSize.get(0) : b.op("Sum", sameSize);
      parts.add(size.get(0) == h && size.get(1) == w ? summed : resize(b, summed, h, w));
    });
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("the logits do not depend on the input; nothing to explain");
    }
    String map = parts.size() == 1 ? parts.get(0) : b.op("Sum", parts);

    LinkedHashMap<String, Integer> outputs = new LinkedHashMap<>();
    int f32 = TensorProto.DataType.FLOAT.getNumber();
    b.add(identity(graph.logits(), LOGITS));
    b.add(identity(t, TARGET));
    b.add(identity(map, MAP));
    outputs.put(LOGITS, f32);
    outputs.put(TARGET, TensorProto.DataType.INT64.getNumber());
    outputs.put(MAP, f32);
    if (exposeGradients) {
      b.add(identity(dfdx, INPUT_GRADIENT));
      outputs.put(INPUT_GRADIENT, f32);
      for (int i = 0; i < layers.size(); i++) {
        String g = bp.gradientOf(layers.get(i).output());
        if (g == null) {
          g = b.op("Mul", List.of(layers.get(i).output(), b.scalar(0f)));
        }
        b.add(identity(g, BIAS_GRADIENT_PREFIX + i));
        outputs.put(BIAS_GRADIENT_PREFIX + i, f32);
      }
    }
    ModelProto augmented = bp.assemble(Map.of(TARGET_REQUEST, TensorProto.DataType.INT64.getNumber()), outputs);
    return new FullGradGraph(augmented, List.copyOf(layers), logitsShape[1]);
  }

  /**
   * sum_c P(t) per image, c along {@code channelAxis}. With a = |t|, m = min(a) and M = max(a) over C x H x W, P(t) = (a - m) / (M - m + 1e-6)
   * (the reference's max(a - m) is M - m), so sum_c P(t) = (sum_c a - C m) / (M - m + 1e-6): three reductions of
   * a and the rest on the single-channel map, instead of several passes over every layer output.
   */
  private static String channelSumOfP(GraphBuilder b, String t, long channels, long channelAxis) {
    String a = b.op("Abs", List.of(t)); // [N, C, h, w]
    String flat = b.op("Reshape", List.of(a, b.longs(0, -1))); // [N, C*h*w]: a contiguous reduction per image
    String nOnes = b.longs(0, 1, 1, 1);
    String m = b.op("Reshape", List.of(b.reduceMin(flat, new long[] {1}, true), nOnes)); // [N, 1, 1, 1]
    String max = b.op("Reshape", List.of(b.reduceMax(flat, new long[] {1}, true), nOnes));
    String range = b.op("Add", List.of(b.op("Sub", List.of(max, m)), b.scalar(EPSILON)));
    String summed = b.reduceSum(a, new long[] {channelAxis}, true); // [N, 1, h, w] (or [N, h, w, 1])
    String shifted = b.op("Sub", List.of(summed, b.op("Mul", List.of(m, b.scalar(channels)))));
    return b.op("Div", List.of(shifted, range));
  }

  /** Height and width of a bias layer's part of the map, before the resize. */
  private static long[] mapSize(BiasLayer l, long[] z, long[] grid) {
    return switch (l.layout()) {
      case CHANNELS_FIRST -> new long[] {z[2], z[3]};
      case CHANNELS_LAST -> new long[] {z[1], z[2]};
      case TOKENS -> grid;
      case NOT_ON_IMAGE -> throw new IllegalArgumentException("not on the image: " + l.node());
    };
  }

  /**
   * sum_c P(df/dz * b) of one bias layer as N x 1 x H x W: channels first as is; channels last summed over the last
   * axis; tokens first cut to the patch tokens and laid on the grid (N x gh x gw x C).
   */
  private static String onImage(GraphBuilder b, BiasLayer l, String dfdz, long[] z, long[] grid) {
    long channels = l.bias().length;
    long[] biasDims = new long[l.rank()];
    java.util.Arrays.fill(biasDims, 1);
    biasDims[l.channelAxis()] = channels;
    String weighted = b.op("Mul", List.of(dfdz, b.constant(l.bias(), biasDims)));
    if (l.layout() == BiasLayer.Layout.CHANNELS_FIRST) {
      return channelSumOfP(b, weighted, channels, 1);
    }
    if (l.layout() == BiasLayer.Layout.TOKENS) {
      long leading = z[1] - grid[0] * grid[1];
      String patches = b.op("Slice", List.of(weighted, b.longs(leading), b.longs(z[1]), b.longs(1)));
      weighted = b.op("Reshape", List.of(patches, b.longs(0, grid[0], grid[1], channels)));
    }
    long[] size = mapSize(l, z, grid);
    return b.op("Reshape", List.of(channelSumOfP(b, weighted, channels, 3), b.longs(0, 1, size[0], size[1])));
  }

  /** Bilinear resize with aligned corners to N x C x h x w. */
  private static String resize(GraphBuilder b, String t, int h, int w) {
    String nc = b.op("Slice", List.of(b.shapeOf(t), b.longs(0), b.longs(2)));
    String sizes = b.op("Concat", List.of(nc, b.longs(h, w)), GraphBuilder.attr("axis", 0));
    return b.op("Resize", List.of(t, "", "", sizes), GraphBuilder.attr("mode", "linear"),
        GraphBuilder.attr("coordinate_transformation_mode", "align_corners"));
  }

  private static ai.onnx.proto.OnnxMl.NodeProto identity(String from, String to) {
    return ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(to + "_out").addInput(from)
        .addOutput(to).build();
  }

  /** The augmented model. */
  public ModelProto model() {
    return model;
  }

  /** Bias layers in forward order (all ranks; only rank 4 enter the map). */
  public List<BiasLayer> biasLayers() {
    return biasLayers;
  }

  /** Number of classes K. */
  public long classes() {
    return classes;
  }
}
