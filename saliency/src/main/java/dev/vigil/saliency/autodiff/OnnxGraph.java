package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX image classifier prepared for differentiation.
 *
 * <p>Preparation keeps the forward semantics and changes only the form: Constant nodes, and Identity nodes of
 * initializers (PyTorch shares equal weights so), become initializers;
 * the opset is raised to at least {@link #MIN_TARGET_OPSET} (ScatterElements reduction "add", needed by the
 * MaxPool gradient, exists from opset 16), moving the attributes that became inputs (Squeeze, Unsqueeze, Split
 * and ReduceSum at opset 13) into inputs; Dropout becomes Identity (inference); a final Softmax or LogSoftmax is
 * dropped so that the output is the pre-softmax score (FullGrad explains the logit).
 *
 * <p>Immutable.
 */
public final class OnnxGraph {

  /** Oldest opset that loads. */
  public static final long MIN_OPSET = 11;
  /** The opset the augmented model runs at, at least. */
  public static final long MIN_TARGET_OPSET = 17;

  private final ModelProto model;
  private final String sha256;
  private final long originalOpset;
  private final String input;
  private final String logits;
  private final Map<String, TensorProto> initializers;

  private OnnxGraph(ModelProto model, String sha256, long originalOpset, String input, String logits) {
    this.model = model;
    this.sha256 = sha256;
    this.originalOpset = originalOpset;
    this.input = input;
    this.logits = logits;
    Map<String, TensorProto> init = new HashMap<>();
    for (TensorProto t : model.getGraph().getInitializerList()) {
      init.put(t.getName(), t);
    }
    this.initializers = Map.copyOf(init);
  }

  /**
   * Reads and prepares a model file.
   *
   * @throws IOException when the file cannot be read or is not a usable ONNX model (the message says why)
   */
  public static OnnxGraph read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("model file " + file + " does not exist", e);
    }
    return parse(bytes, file.toString());
  }

  /**
   * Parses and prepares a serialized model.
   *
   * @throws IOException when the bytes are not a usable ONNX model
   */
  public static OnnxGraph parse(byte[] bytes, String source) throws IOException {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(source + " is not an ONNX model (protobuf parse failed: " + e.getMessage() + ")", e);
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new IOException(source + " is not an ONNX model (no graph or no nodes)");
    }
    long opset = -1;
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        opset = id.getVersion();
      }
    }
    if (opset < MIN_OPSET) {
      throw new IOException(source + " uses ai.onnx opset " + opset + "; opset " + MIN_OPSET
          + " or newer is needed: re-export it (torch.onnx.export(..., opset_version=17))");
    }
    return prepare(model, sha256(bytes), opset, source);
  }

  /** A copy holding another graph (same hash, opset, input and logits). */
  public OnnxGraph withGraph(GraphProto graph) {
    return new OnnxGraph(model.toBuilder().setGraph(graph).build(), sha256, originalOpset, input, logits);
  }

  /** The prepared model. */
  public ModelProto model() {
    return model;
  }

  /** The prepared graph. */
  public GraphProto graph() {
    return model.getGraph();
  }

  /** Hex SHA-256 of the original bytes. */
  public String sha256() {
    return sha256;
  }

  /** The model's own ai.onnx opset. */
  public long originalOpset() {
    return originalOpset;
  }

  /** The opset of the prepared model. */
  public long opset() {
    return Math.max(originalOpset, MIN_TARGET_OPSET);
  }

  /** Name of the image input. */
  public String input() {
    return input;
  }

  /** Name of the logits tensor (N x classes, pre-softmax). */
  public String logits() {
    return logits;
  }

  /** An initializer by name, or null. */
  public TensorProto initializer(String name) {
    return initializers.get(name);
  }

  /** Declared input dimensions, -1 where symbolic or unknown. */
  public long[] declaredInputShape() {
    for (ValueInfoProto v : model.getGraph().getInputList()) {
      if (v.getName().equals(input)) {
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        return dims.stream().mapToLong(d -> d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1)
            .toArray();
      }
    }
    return new long[0];
  }

  private static OnnxGraph prepare(ModelProto model, String sha, long opset, String source) throws IOException {
    GraphProto g = model.getGraph();
    Set<String> initNames = new HashSet<>();
    g.getInitializerList().forEach(t -> initNames.add(t.getName()));
    String input = g.getInputList().stream().map(ValueInfoProto::getName).filter(n -> !initNames.contains(n))
        .findFirst().orElseThrow(() -> new IOException(source + " has no image input (every input is a weight)"));
    if (g.getOutputCount() == 0) {
      throw new IOException(source + " has no output");
    }
    String output = g.getOutput(0).getName();
    long target = Math.max(opset, MIN_TARGET_OPSET);

    GraphProto.Builder b = g.toBuilder().clearNode().clearValueInfo();
    List<NodeProto> nodes = new ArrayList<>();
    Map<String, TensorProto> constants = new HashMap<>();
    g.getInitializerList().forEach(t -> constants.put(t.getName(), t));
    for (NodeProto n : g.getNodeList()) {
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        nodes.add(n); // left as is; fails as unsupported if it lies on the gradient path
      } else if (n.getOpType().equals("Constant")) {
        TensorProto t = constantValue(n, source);
        b.addInitializer(t);
        constants.put(t.getName(), t);
      } else if (n.getOpType().equals("Identity") && constants.containsKey(n.getInput(0))
          && !n.getOutput(0).equals(output)) {
        // PyTorch's exporter shares equal weights (zero biases, unit LayerNorm scales) through Identity nodes;
        // as initializers again they count as constants (BatchNormalization, bias layers).
        TensorProto t = constants.get(n.getInput(0)).toBuilder().setName(n.getOutput(0)).build();
        b.addInitializer(t);
        constants.put(t.getName(), t);
      } else if (n.getOpType().equals("Dropout")) {
        // Inference: Dropout is the identity (its mask output, if any, is never used by classifiers).
        nodes.add(NodeProto.newBuilder().setName(n.getName()).setOpType("Identity").addInput(n.getInput(0))
            .addOutput(n.getOutput(0)).build());
      } else if (opset < 13) {
        nodes.add(upgradeTo13(n, b));
      } else {
        nodes.add(n);
      }
    }
    // A final Softmax/LogSoftmax is dropped: FullGrad explains the pre-softmax score.
    String logits = output;
    NodeProto last = nodes.stream().filter(n -> n.getOutputList().contains(output)).findFirst().orElse(null);
    if (last != null && (last.getOpType().equals("Softmax") || last.getOpType().equals("LogSoftmax"))) {
      boolean consumed = nodes.stream().anyMatch(n -> n.getInputList().contains(output));
      if (!consumed) {
        nodes.remove(last);
        logits = last.getInput(0);
      }
    }
    b.addAllNode(nodes);
    b.clearOutput().addOutput(ValueInfoProto.newBuilder().setName(logits).setType(g.getOutput(0).getType()
        .toBuilder().setTensorType(g.getOutput(0).getType().getTensorType().toBuilder().clearShape())));
    // The batch dimension becomes symbolic so one prepared model serves any batch size.
    for (int i = 0; i < b.getInputCount(); i++) {
      if (b.getInput(i).getName().equals(input)) {
        ValueInfoProto.Builder in = b.getInputBuilder(i);
        TensorShapeProto.Builder shape = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        if (shape.getDimCount() > 0) {
          shape.setDim(0, TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        }
      }
    }
    ModelProto.Builder m = model.toBuilder().setGraph(b).clearOpsetImport();
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        m.addOpsetImport(id.toBuilder().setVersion(target));
      } else {
        m.addOpsetImport(id);
      }
    }
    if (m.getIrVersion() < 8) {
      m.setIrVersion(8);
    }
    return new OnnxGraph(m.build(), sha, opset, input, logits);
  }

  /** Moves attributes that became inputs at opset 13 into inputs; other ops are unchanged in meaning. */
  private static NodeProto upgradeTo13(NodeProto n, GraphProto.Builder g) {
    String attribute = switch (n.getOpType()) {
      case "Squeeze", "Unsqueeze", "ReduceSum" -> "axes";
      case "Split" -> "split";
      default -> null;
    };
    if (attribute == null) {
      return n;
    }
    NodeProto.Builder b = n.toBuilder().clearAttribute();
    AttributeProto moved = null;
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(attribute)) {
        moved = a;
      } else {
        b.addAttribute(a);
      }
    }
    if (moved != null) {
      String name = "vigil/opset13/" + n.getName() + "/" + attribute + "/" + g.getInitializerCount();
      long[] values = moved.getIntsList().stream().mapToLong(Long::longValue).toArray();
      g.addInitializer(Tensors.longs(name, values, values.length));
      b.addInput(name);
    }
    return b.build();
  }

  private static TensorProto constantValue(NodeProto n, String source) throws IOException {
    String out = n.getOutput(0);
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return a.getT().toBuilder().setName(out).build();
        case "value_float":
          return Tensors.floats(out, new float[] {a.getF()});
        case "value_floats": {
          float[] v = new float[a.getFloatsCount()];
          for (int i = 0; i < v.length; i++) {
            v[i] = a.getFloats(i);
          }
          return Tensors.floats(out, v, v.length);
        }
        case "value_int":
          return Tensors.longs(out, new long[] {a.getI()});
        case "value_ints": {
          long[] v = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
          return Tensors.longs(out, v, v.length);
        }
        default:
          break;
      }
    }
    throw new IOException(source + ": Constant node '" + n.getName() + "' has no supported value attribute");
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
