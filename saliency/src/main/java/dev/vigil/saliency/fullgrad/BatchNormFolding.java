package dev.vigil.saliency.fullgrad;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.autodiff.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a BatchNormalization that directly follows a Conv into the Conv, as exporters with BN folding do, so a
 * model gives the same FullGrad map either way: with s = gamma / sqrt(sigma2 + epsilon) per output channel,
 * W' = s W and b' = s (b - mu) + beta.
 */
final class BatchNormFolding {

  private BatchNormFolding() {}

  static OnnxGraph fold(OnnxGraph graph) {
    GraphProto g = graph.graph();
    Map<String, Integer> consumers = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      n.getInputList().forEach(i -> consumers.merge(i, 1, Integer::sum));
    }
    g.getOutputList().stream().map(ValueInfoProto::getName).forEach(o -> consumers.merge(o, 1, Integer::sum));
    Map<String, NodeProto> convByOutput = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Conv") && n.getDomain().isEmpty()) {
        convByOutput.put(n.getOutput(0), n);
      }
    }
    Map<NodeProto, NodeProto> replaced = new HashMap<>();
    List<NodeProto> dropped = new ArrayList<>();
    List<TensorProto> added = new ArrayList<>();
    for (NodeProto bn : g.getNodeList()) {
      if (!bn.getOpType().equals("BatchNormalization") || bn.getOutputCount() > 1 && bn.getOutputList().stream()
          .skip(1).anyMatch(o -> !o.isEmpty())) {
        continue;
      }
      NodeProto conv = convByOutput.get(bn.getInput(0));
      if (conv == null || consumers.getOrDefault(conv.getOutput(0), 0) != 1 || replaced.containsKey(conv)) {
        continue;
      }
      TensorProto w = graph.initializer(conv.getInput(1));
      TensorProto bias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
          ? graph.initializer(conv.getInput(2)) : null;
      boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
      TensorProto[] params = new TensorProto[4];
      for (int i = 0; i < 4; i++) {
        params[i] = graph.initializer(bn.getInput(i + 1));
      }
      if (w == null || (hasBias && bias == null) || java.util.Arrays.asList(params).contains(null)) {
        continue; // not constant: leave both nodes (the BN then counts as its own bias layer)
      }
      float[] weights = Tensors.toFloats(w);
      float[] gamma = Tensors.toFloats(params[0]);
      float[] beta = Tensors.toFloats(params[1]);
      float[] mu = Tensors.toFloats(params[2]);
      float[] sigma2 = Tensors.toFloats(params[3]);
      float[] b = hasBias ? Tensors.toFloats(bias) : new float[gamma.length];
      double epsilon = bn.getAttributeList().stream().filter(a -> a.getName().equals("epsilon"))
          .map(a -> (double) a.getF()).findFirst().orElse(1e-5);
      int perChannel = weights.length / gamma.length; // W is [M, C/group, k...]
      float[] foldedW = new float[weights.length];
      float[] foldedB = new float[gamma.length];
      for (int m = 0; m < gamma.length; m++) {
        double s = gamma[m] / Math.sqrt(sigma2[m] + epsilon);
        for (int j = 0; j < perChannel; j++) {
          foldedW[m * perChannel + j] = (float) (weights[m * perChannel + j] * s);
        }
        foldedB[m] = (float) (s * (b[m] - mu[m]) + beta[m]);
      }
      String prefix = "vigil/folded/" + conv.getName() + "/" + bn.getName() + "/";
      added.add(Tensors.floats(prefix + "W", foldedW, Tensors.dims(w)));
      added.add(Tensors.floats(prefix + "B", foldedB, gamma.length));
      NodeProto.Builder folded = conv.toBuilder().clearInput().addInput(conv.getInput(0)).addInput(prefix + "W")
          .addInput(prefix + "B").setOutput(0, bn.getOutput(0));
      replaced.put(conv, folded.build());
      dropped.add(bn);
    }
    if (replaced.isEmpty()) {
      return graph;
    }
    GraphProto.Builder b = g.toBuilder().clearNode().addAllInitializer(added);
    for (NodeProto n : g.getNodeList()) {
      if (!dropped.contains(n)) {
        b.addNode(replaced.getOrDefault(n, n));
      }
    }
    return graph.withGraph(b.build());
  }
}
