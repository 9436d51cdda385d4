package dev.vigil.demo.server;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Image bytes in, prediction JSON out: the work a worker thread does for one request.
 * Thread-safe; never runs on a Netty event loop (decoding and inference take milliseconds).
 */
final class Predictor {
  private final String modelName;
  private final ImageClassifier classifier;
  private final ImagePreprocessor preprocessor;
  private final List<String> labels;
  private final int topK;
  private final boolean softmax;
  private final ObjectMapper json;

  Predictor(
      String modelName,
      ImageClassifier classifier,
      ImagePreprocessor preprocessor,
      List<String> labels,
      int topK,
      boolean softmax,
      ObjectMapper json) {
    this.modelName = modelName;
    this.classifier = classifier;
    this.preprocessor = preprocessor;
    this.labels = List.copyOf(labels);
    this.topK = topK;
    this.softmax = softmax;
    this.json = json;
  }

  /** Raised when the model itself fails on a valid input; answered with 500. */
  static final class ModelFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ModelFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  byte[] predict(byte[] body) throws BadRequestException, ModelFailure {
    float[] input = preprocessor.toTensor(body);
    float[] scores;
    try {
      scores = classifier.scores(input);
    } catch (OrtException | RuntimeException e) {
      throw new ModelFailure("inference failed: " + e.getMessage(), e);
    }
    if (scores.length != labels.size()) {
      throw new ModelFailure(
          "the model returned " + scores.length + " scores but " + labels.size()
              + " labels are configured: use the labels file that belongs to this model",
          null);
    }
    float[] probabilities = softmax ? softmax(scores) : scores;
    return render(probabilities);
  }

  /** Numerically stable soft-max (subtract the maximum before exponentiating). */
  static float[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double[] e = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      e[i] = Math.exp(logits[i] - max);
      sum += e[i];
    }
    float[] p = new float[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }

  /** Class indices by descending score; ties keep the lower index first. */
  static int[] topIndices(float[] scores, int k) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> {
      int byScore = Float.compare(scores[b], scores[a]);
      return byScore != 0 ? byScore : Integer.compare(a, b);
    });
    int n = Math.min(k, scores.length);
    int[] top = new int[n];
    for (int i = 0; i < n; i++) {
      top[i] = order[i];
    }
    return top;
  }

  private byte[] render(float[] probabilities) {
    ObjectNode root = json.createObjectNode();
    root.put("model", modelName);
    ArrayNode predictions = root.putArray("predictions");
    for (int index : topIndices(probabilities, topK)) {
      predictions
          .addObject()
          .put("label", labels.get(index))
          .put("class", index)
          .put("score", probabilities[index]);
    }
    ArrayNode all = root.putArray("probabilities");
    for (float p : probabilities) {
      all.add(p);
    }
    try {
      return json.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree failed to serialise", e);
    }
  }

  /** Body of {@code GET /v1/models/<name>}: what the server serves. */
  byte[] metadata() {
    ObjectNode root = json.createObjectNode();
    root.put("name", modelName);
    root.put("ready", true);
    ObjectNode input = root.putObject("input");
    input.put("name", classifier.inputName());
    ArrayNode shape = input.putArray("shape");
    for (long d : classifier.inputShape()) {
      shape.add(d);
    }
    root.put("outputs", softmax ? "logits (soft-maxed by the server)" : "probabilities");
    ArrayNode names = root.putArray("labels");
    labels.forEach(names::add);
    try {
      return json.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree failed to serialise", e);
    }
  }
}
