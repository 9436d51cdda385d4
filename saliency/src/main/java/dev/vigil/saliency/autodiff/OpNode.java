package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/** One forward node during the reverse sweep: its attributes, static shapes and gradient bookkeeping. */
final class OpNode {

  private final NodeProto node;
  private final Backpropagation sweep;

  OpNode(NodeProto node, Backpropagation sweep) {
    this.node = node;
    this.sweep = sweep;
  }

  NodeProto proto() {
    return node;
  }

  String opType() {
    return node.getOpType();
  }

  String name() {
    return node.getName();
  }

  int inputCount() {
    return node.getInputCount();
  }

  int outputCount() {
    return node.getOutputCount();
  }

  /** Input i, or "" when absent (optional input). */
  String in(int i) {
    return i < node.getInputCount() ? node.getInput(i) : "";
  }

  String out(int i) {
    return node.getOutput(i);
  }

  /** Shape of input i at the probed batch size. */
  long[] inShape(int i) {
    return sweep.shapes().of(in(i));
  }

  /** Shape of output i at the probed batch size. */
  long[] outShape(int i) {
    return sweep.shapes().of(out(i));
  }

  /** Whether input i depends on a root (the image, or a parameter being trained) and so needs a gradient. */
  boolean needsGradient(int i) {
    return !in(i).isEmpty() && sweep.isActive(in(i));
  }

  /** dL/d(output i), or null when the target does not depend on it. */
  String gradient(int i) {
    return i < node.getOutputCount() ? sweep.gradientOf(node.getOutput(i)) : null;
  }

  /** Adds a contribution to dL/d(input i). */
  void addGradient(int i, String g) {
    sweep.accumulate(in(i), g);
  }

  /** The constant value of input i (an initializer), or throws a clear error. */
  float[] constant(int i) {
    TensorProto t = sweep.graph().initializer(in(i));
    if (t == null) {
      throw new UnsupportedOperationException(String.format(
          "%s node '%s': input %d ('%s') must be a constant (initializer) for differentiation",
          opType(), name(), i, in(i)));
    }
    return Tensors.toFloats(t);
  }

  /** Whether input i is an initializer that is not being differentiated (a trained parameter is a variable). */
  boolean isConstant(int i) {
    return sweep.graph().initializer(in(i)) != null && !sweep.isActive(in(i));
  }

  /** The initializer feeding input i, or throws a clear error. */
  TensorProto constantTensor(int i) {
    TensorProto t = sweep.graph().initializer(in(i));
    if (t == null) {
      throw new UnsupportedOperationException(String.format(
          "%s node '%s': input %d ('%s') must be a constant (initializer) for differentiation",
          opType(), name(), i, in(i)));
    }
    return t;
  }

  AttributeProto attribute(String name) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  long attrInt(String name, long fallback) {
    AttributeProto a = attribute(name);
    return a == null ? fallback : a.getI();
  }

  float attrFloat(String name, float fallback) {
    AttributeProto a = attribute(name);
    return a == null ? fallback : a.getF();
  }

  String attrString(String name, String fallback) {
    AttributeProto a = attribute(name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }

  /** An ints attribute, or {@code fallback} when absent. */
  long[] attrInts(String name, long[] fallback) {
    AttributeProto a = attribute(name);
    if (a == null) {
      return fallback;
    }
    List<Long> v = a.getIntsList();
    return v.stream().mapToLong(Long::longValue).toArray();
  }

  /** An error naming this node. */
  UnsupportedOperationException unsupported(String why) {
    return new UnsupportedOperationException(opType() + " node '" + name() + "': " + why);
  }
}
