package dev.vigil.saliency.autodiff;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Static shapes of every tensor of a graph for one image size, found by one probe run of ONNX Runtime with every
 * node output exposed (simpler and more faithful than re-implementing ONNX shape inference).
 *
 * <p>The probe runs a batch of one (two for training): dimension 0 of every tensor derived from the image is the
 * batch and is never baked into the backward graph (it uses {@code Shape(x)} at run time instead).
 */
public final class TensorShapes {

  private final Map<String, long[]> shapes;
  private final Map<String, OnnxJavaType> types;

  private TensorShapes(Map<String, long[]> shapes, Map<String, OnnxJavaType> types) {
    this.shapes = shapes;
    this.types = types;
  }

  /**
   * Runs {@code graph} once on zeros of shape 1 x c x h x w.
   *
   * @throws OrtException when ONNX Runtime rejects the model or the input size
   */
  public static TensorShapes probe(OnnxGraph graph, int c, int h, int w) throws OrtException {
    return probe(graph, 1, c, h, w);
  }

  /**
   * Runs {@code graph} once on zeros of shape batch x c x h x w. A batch of two tells apart the tensors that carry the
   * batch axis from batch-independent ones of leading size one (running statistics, parameters), which matters
   * where gradients are summed over broadcast axes in training.
   *
   * @throws OrtException when ONNX Runtime rejects the model or the input size
   */
  public static TensorShapes probe(OnnxGraph graph, int batch, int c, int h, int w) throws OrtException {
    GraphProto g = graph.graph();
    Set<String> exposed = new HashSet<>();
    GraphProto.Builder b = g.toBuilder().clearOutput();
    for (NodeProto n : g.getNodeList()) {
      for (String out : n.getOutputList()) {
        if (!out.isEmpty() && exposed.add(out)) {
          b.addOutput(ValueInfoProto.newBuilder().setName(out));
        }
      }
    }
    byte[] probeModel = graph.model().toBuilder().setGraph(b).build().toByteArray();
    Map<String, long[]> shapes = new HashMap<>();
    Map<String, OnnxJavaType> types = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      shapes.put(t.getName(), Tensors.dims(t));
      types.put(t.getName(), t.getDataType() == TensorProto.DataType.FLOAT.getNumber()
          ? OnnxJavaType.FLOAT : OnnxJavaType.UNKNOWN);
    }
    long[] inputShape = {batch, c, h, w};
    shapes.put(graph.input(), inputShape);
    types.put(graph.input(), OnnxJavaType.FLOAT);
    OrtEnvironment env = OrtEnvironments.get();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      // Folded BatchNormalization leaves initializers unused; ORT would warn once per tensor.
      options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      try (OrtSession session = env.createSession(probeModel, options);
          OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.allocate(batch * c * h * w), inputShape);
          OrtSession.Result result = session.run(Map.of(graph.input(), x))) {
        for (Map.Entry<String, OnnxValue> e : result) {
          if (e.getValue() instanceof OnnxTensor t) {
            TensorInfo info = t.getInfo();
            shapes.put(e.getKey(), info.getShape());
            types.put(e.getKey(), info.type);
          }
        }
      }
    }
    return new TensorShapes(Map.copyOf(shapes), Map.copyOf(types));
  }

  /** The shape of {@code name} at the probed batch size. */
  public long[] of(String name) {
    long[] s = shapes.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no shape known for tensor '" + name + "'");
    }
    return s.clone();
  }

  /** Rank of {@code name}. */
  public int rank(String name) {
    return of(name).length;
  }

  /** Whether {@code name} holds float32 values. */
  public boolean isFloat(String name) {
    return types.get(name) == OnnxJavaType.FLOAT;
  }
}
