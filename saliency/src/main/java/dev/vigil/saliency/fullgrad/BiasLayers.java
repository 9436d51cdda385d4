package dev.vigil.saliency.fullgrad;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.autodiff.TensorShapes;
import dev.vigil.saliency.autodiff.Tensors;
import java.util.ArrayList;
import java.util.List;

/** Finds the layers with a bias in a (BN-folded) graph, in forward order. */
final class BiasLayers {

  private BiasLayers() {}

  static List<BiasLayer> find(OnnxGraph graph, TensorShapes shapes) {
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
            layers.add(new BiasLayer(z, Tensors.toFloats(b), shapes.rank(z), n.getName()));
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
          layers.add(new BiasLayer(z, bias, shapes.rank(z), n.getName()));
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
            layers.add(new BiasLayer(z, bias, 2, n.getName()));
          }
        }
        default -> { }
      }
    }
    return layers;
  }

  private static float attrFloat(NodeProto n, String name, float fallback) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return fallback;
  }
}
