package dev.vigil.saliency.fullgrad;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.autodiff.TensorShapes;
import dev.vigil.saliency.autodiff.Tensors;
import dev.vigil.saliency.fullgrad.BiasLayer.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the layers with a bias in a (BN-folded) graph, in forward order, and decides how each lies on the image
 * (saliency/README.md, "Bias layers"):
 * <ul>
 *   <li>Conv with a bias and BatchNormalization: channel axis 1; rank 4 is {@link Layout#CHANNELS_FIRST}.
 *   <li>LayerNormalization over the last axis with a bias, and Add of a constant whose only axis longer than one is
 *       the last one (a Linear layer exported as MatMul + Add): channel axis last. Rank 4 N x H x W x C is
 *       {@link Layout#CHANNELS_LAST} when H and W are the image's h and w divided by one stride, up to a cell of
 *       rounding (|H w - W h| &lt; max(h, w)); MaxViT's partitioned N x G x P x C tensors are not. Rank 3 N x T x C is
 *       {@link Layout#TOKENS} when T = gh gw + k with k in {0, 1, 2} leading tokens for the patch grid gh x gw
 *       ({@link #patchGrid}).
 *   <li>Gemm with a bias per output, and everything else: {@link Layout#NOT_ON_IMAGE} (completeness only).
 * </ul>
 */
final class BiasLayers {

  /** At most this many leading tokens (ViT's class token, DeiT's class and distillation tokens) are dropped. */
  static final int MAX_LEADING_TOKENS = 2;

  private BiasLayers() {}

  /**
   * @param grid the patch grid {gh, gw} of a token model, or null
   * @param h image height
   * @param w image width
   */
  static List<BiasLayer> find(OnnxGraph graph, TensorShapes shapes, long[] grid, int h, int w) {
    List<BiasLayer> layers = new ArrayList<>();
    for (NodeProto n : graph.graph().getNodeList()) {
      if (!n.getDomain().isEmpty()) {
        continue;
      }
      String z = n.getOutput(0);
      switch (n.getOpType()) {
        case "Conv" -> {
          TensorProto b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? graph.initializer(n.getInput(2)) : null;
          if (b != null) {
            layers.add(channelsFirst(z, Tensors.toFloats(b), shapes.rank(z), n));
          }
        }
        case "BatchNormalization" -> {
          // The implicit bias of inference BN: Y = s X + (beta - mu s) with s = gamma / sqrt(sigma2 + epsilon).
          TensorProto[] p = new TensorProto[4];
          for (int i = 0; i < 4; i++) {
            p[i] = graph.initializer(n.getInput(i + 1));
          }
          if (java.util.Arrays.asList(p).contains(null)) {
            continue;
          }
          float[] gamma = Tensors.toFloats(p[0]);
          float[] beta = Tensors.toFloats(p[1]);
          float[] mu = Tensors.toFloats(p[2]);
          float[] sigma2 = Tensors.toFloats(p[3]);
          double epsilon = attrFloat(n, "epsilon", 1e-5f);
          float[] bias = new float[gamma.length];
          for (int c = 0; c < bias.length; c++) {
            bias[c] = (float) (beta[c] - mu[c] * gamma[c] / Math.sqrt(sigma2[c] + epsilon));
          }
          layers.add(channelsFirst(z, bias, shapes.rank(z), n));
        }
        case "Gemm" -> {
          TensorProto c = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? graph.initializer(n.getInput(2)) : null;
          long[] out = shapes.of(z);
          if (c != null && Tensors.numel(Tensors.dims(c)) == out[1]) {
            float[] bias = Tensors.toFloats(c);
            float beta = attrFloat(n, "beta", 1f);
            for (int k = 0; k < bias.length; k++) {
              bias[k] *= beta;
            }
            layers.add(new BiasLayer(z, bias, 2, n.getName(), 1, Layout.NOT_ON_IMAGE));
          }
        }
        case "LayerNormalization" -> {
          long[] out = shapes.of(z);
          long axis = attrInt(n, "axis", -1);
          TensorProto b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? graph.initializer(n.getInput(2)) : null;
          if (b != null && (axis == -1 || axis == out.length - 1)
              && Tensors.numel(Tensors.dims(b)) == out[out.length - 1]) {
            layers.add(channelsLast(z, Tensors.toFloats(b), out, n, grid, h, w));
          }
        }
        case "Add" -> {
          for (int i = 0; i < 2; i++) {
            TensorProto c = graph.initializer(n.getInput(i));
            if (c != null && graph.initializer(n.getInput(1 - i)) == null && alongLastAxis(c, shapes.of(z))) {
              layers.add(channelsLast(z, Tensors.toFloats(c), shapes.of(z), n, grid, h, w));
              break;
            }
          }
        }
        default -> { }
      }
    }
    return layers;
  }

  /**
   * The patch grid of a token model: the spatial size gh x gw of the first Conv output that a Reshape or Flatten
   * turns into rank 3 (ViT's patch embedding); null when there is none (Swin keeps N x H x W x C).
   */
  static long[] patchGrid(OnnxGraph graph, TensorShapes shapes) {
    java.util.Set<String> convOutputs = new java.util.HashSet<>();
    for (NodeProto n : graph.graph().getNodeList()) {
      if (n.getOpType().equals("Conv") && n.getDomain().isEmpty()) {
        convOutputs.add(n.getOutput(0));
      }
      if ((n.getOpType().equals("Reshape") || n.getOpType().equals("Flatten")) && n.getDomain().isEmpty()
          && convOutputs.contains(n.getInput(0)) && shapes.rank(n.getInput(0)) == 4
          && shapes.rank(n.getOutput(0)) == 3) {
        long[] x = shapes.of(n.getInput(0));
        return new long[] {x[2], x[3]};
      }
    }
    return null;
  }

  private static BiasLayer channelsFirst(String z, float[] bias, int rank, NodeProto n) {
    return new BiasLayer(z, bias, rank, n.getName(), 1, rank == 4 ? Layout.CHANNELS_FIRST : Layout.NOT_ON_IMAGE);
  }

  private static BiasLayer channelsLast(String z, float[] bias, long[] out, NodeProto n, long[] grid, int h, int w) {
    Layout layout = Layout.NOT_ON_IMAGE;
    if (out.length == 4 && Math.abs(out[1] * w - out[2] * h) < Math.max(h, w)) {
      layout = Layout.CHANNELS_LAST;
    } else if (out.length == 3 && grid != null) {
      long leading = out[1] - grid[0] * grid[1];
      layout = leading >= 0 && leading <= MAX_LEADING_TOKENS ? Layout.TOKENS : Layout.NOT_ON_IMAGE;
    }
    return new BiasLayer(z, bias, out.length, n.getName(), out.length - 1, layout);
  }

  /** Whether constant c, right-aligned against z, has exactly one axis longer than one: z's last, at full size. */
  private static boolean alongLastAxis(TensorProto c, long[] z) {
    long[] dims = Tensors.dims(c);
    if (dims.length == 0 || dims.length > z.length || dims[dims.length - 1] != z[z.length - 1]
        || z[z.length - 1] == 1) {
      return false;
    }
    for (int a = 0; a < dims.length - 1; a++) {
      if (dims[a] != 1) {
        return false;
      }
    }
    return true;
  }

  private static float attrFloat(NodeProto n, String name, float fallback) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return fallback;
  }

  private static long attrInt(NodeProto n, String name, long fallback) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return fallback;
  }
}
