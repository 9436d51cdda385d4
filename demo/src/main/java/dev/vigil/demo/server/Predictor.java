package dev.vigil.demo.server;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import dev.vigil.classes.Softmax;
import dev.vigil.saliency.image.ImageDecodeException;
import dev.vigil.saliency.image.ImageDecoder;
import dev.vigil.saliency.image.Preprocessor;

/**
 * Image bytes in, prediction JSON out: the work a worker thread does for one request.
 * Thread-safe; never runs on a Netty event loop (decoding and inference take milliseconds).
 */
final class Predictor {
  private final String modelName;
  private final ImageClassifier classifier;
  private final Preprocessor preprocessor;
  private final Labels labels;
  private final int topK;
  private final boolean softmax;
  private final ObjectMapper json;

  Predictor(
      String modelName,
      ImageClassifier classifier,
      Preprocessor preprocessor,
      Labels labels,
      int topK,
      boolean softmax,
      ObjectMapper json) {
    this.modelName = modelName;
    this.classifier = classifier;
    this.preprocessor = preprocessor;
    this.labels = labels;
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
    float[] input = tensor(body);
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
    return render(softmax ? Softmax.of(scores) : scores);
  }

  /**
   * The model input for a request body: saliency's decoder and pre-processor, so a replay of the
   * captured body with the same {@code preprocessing} explains exactly this tensor.
   */
  float[] tensor(byte[] body) throws BadRequestException {
    if (body.length == 0) {
      throw new BadRequestException(
          "the request body is empty: POST the image file's bytes (PNG or JPEG) as the body");
    }
    float[] rgb;
    try {
      rgb = preprocessor.prepare(ImageDecoder.decode(body, "the request body")).chw();
    } catch (ImageDecodeException e) {
      throw new BadRequestException(e.getMessage());
    }
    return classifier.channels() == 1 ? luma(rgb) : rgb;
  }

  /**
   * Grey models: ITU-R 601-2 luma (PIL's {@code convert("L")}) of the normalised planes. The
   * weights sum to 1 and grey models have one mean and std, so this equals normalising the luma.
   */
  private static float[] luma(float[] rgb) {
    int plane = rgb.length / 3;
    float[] grey = new float[plane];
    for (int i = 0; i < plane; i++) {
      grey[i] = rgb[i] * 0.299f + rgb[plane + i] * 0.587f + rgb[2 * plane + i] * 0.114f;
    }
    return grey;
  }

  private byte[] render(float[] probabilities) {
    ObjectNode root = json.createObjectNode();
    root.put("model", modelName);
    ArrayNode predictions = root.putArray("predictions");
    for (ClassScore c : ClassScore.top(probabilities, topK, labels)) {
      predictions
          .addObject()
          .put("label", c.label())
          .put("class", c.index())
          .put("score", (float) c.score()); // float32, as the model computed it
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
    labels.names().forEach(names::add);
    try {
      return json.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree failed to serialise", e);
    }
  }
}
