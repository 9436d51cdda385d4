package dev.vigil.monitor.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.classes.Softmax;
import dev.vigil.config.OutputFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads predictions from an endpoint's response body, per {@link OutputSpec}. A batched response
 * yields one {@link Prediction} per item, in order. Stateless and thread-safe.
 *
 * <p>Accepted shapes, by format:
 *
 * <ul>
 *   <li>{@code auto} (the default): recognised per body by {@link OutputDetector}, every shape
 *       below and more (class indices at any nesting, TorchServe, Hugging Face, Triton
 *       classification); {@link #read} says which format each body was in;
 *   <li>{@code probabilities}: {@code [p0, p1, ...]} or {@code [[...], [...]]};
 *   <li>{@code predictions}: {@code {"predictions": V}} where V is a vector, a list of vectors, or a
 *       list of objects holding one vector under {@code probabilities|scores|probs|logits|output}
 *       (or their only numeric array);
 *   <li>{@code kserve-v2}: {@code {"outputs": [{"shape": [N, C], "data": [...]}]}}: the output
 *       named by {@code pointer} when it is set (e.g. {@code /outputs/1}), else the first; data
 *       flat row-major (or nested), shape {@code [C]}, {@code [1, C]} or {@code [N, C]};
 *   <li>{@code top-k}: {@code [{"label"|"class": x, "score"|"probability": s}, ...]}, a list of such
 *       lists for a batch, or either under {@code "predictions"}; string labels need the labels
 *       file, numeric ones are indices;
 *   <li>{@code pointer}: the vector (or list of vectors) at the JSON Pointer;
 *   <li>{@code class-index}: a bare index or label, a list of them, or either under {@code
 *       "predictions"} or at the pointer: no confidence.
 * </ul>
 */
public final class OutputParser {
  /**
   * Largest class index accepted from a response (class-index and top-k formats): statistics keep
   * an array slot per class, so a corrupt index like 2147483647 must not size that array.
   */
  public static final int MAX_CLASSES = 100_000;

  private static final JsonFactory STREAMING =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
  private static final String[] VECTOR_FIELDS = OutputDetector.VECTOR_FIELDS;

  private final OutputSpec spec;
  private final ObjectMapper json;
  private final JsonPointer pointer;
  private final OutputDetector detector = new OutputDetector(this);

  public OutputParser(OutputSpec spec) {
    this(spec, new ObjectMapper());
  }

  /** Shares an {@link ObjectMapper} (they are heavy to create and thread-safe once configured). */
  public OutputParser(OutputSpec spec, ObjectMapper json) {
    this.spec = spec;
    this.json = json;
    this.pointer =
        spec.pointer() == null || spec.pointer().isEmpty() ? null : JsonPointer.compile(spec.pointer());
  }

  public OutputSpec spec() {
    return spec;
  }

  /**
   * Parses a response body.
   *
   * @return one prediction per item (never empty)
   * @throws OutputParseException saying what was expected and what was found
   */
  public List<Prediction> parse(byte[] body) throws OutputParseException {
    return read(body).predictions();
  }

  /**
   * Parses a response body and says which format it was in: the configured format's name, or
   * with {@code auto} the recognised {@code envelope/content} (see {@link OutputDetector}).
   *
   * @throws OutputParseException saying what was expected and what was found; its {@link
   *     OutputParseException#reason()} is what a window counts unreadable outputs by
   */
  public ParsedOutput read(byte[] body) throws OutputParseException {
    if (body == null || body.length == 0) {
      throw OutputParseException.because("empty response body", "empty response body");
    }
    if (spec.format() == OutputFormat.PROBABILITIES) {
      List<Prediction> fast = probabilitiesStreaming(body);
      if (fast != null) {
        return configured(fast);
      }
      // Not the plain shape: the tree path below says precisely what is wrong.
    }
    JsonNode root;
    try {
      // Trailing tokens are an error: "14\n3" is two CSV lines, not the class 14.
      root = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
    } catch (JsonProcessingException e) {
      if (spec.format() == OutputFormat.AUTO) {
        return detector.csv(body, e.getOriginalMessage());
      }
      throw new OutputParseException("response body is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new OutputParseException("response body could not be read: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw OutputParseException.because("empty response body", "empty response body");
    }
    if (spec.format() == OutputFormat.AUTO) {
      ParsedOutput p = detector.detect(root);
      if (p.predictions().isEmpty()) {
        throw OutputParseException.because("empty prediction list", "response holds no predictions (empty list)");
      }
      return p;
    }
    return configured(parse(root));
  }

  /** Predictions read in the configured (not auto) format, named by it. */
  private ParsedOutput configured(List<Prediction> predictions) {
    ParsedOutput.Content content =
        switch (spec.format()) {
          case TOP_K -> ParsedOutput.Content.TOP_K;
          case CLASS_INDEX -> ParsedOutput.Content.CLASS_INDEX;
          default -> spec.softmax() ? ParsedOutput.Content.LOGITS : ParsedOutput.Content.PROBABILITIES;
        };
    return new ParsedOutput(spec.format().configName(), content, predictions);
  }

  /** Parses an already-read JSON tree; see {@link #parse(byte[])}. */
  public List<Prediction> parse(JsonNode root) throws OutputParseException {
    List<Prediction> out =
        switch (spec.format()) {
          case PROBABILITIES -> vectors(root, "the body");
          case PREDICTIONS -> predictions(root);
          case KSERVE_V2 -> kserveV2(root);
          case TOP_K -> topK(root);
          case POINTER -> vectors(at(root), "the value at " + spec.pointer());
          case CLASS_INDEX -> classIndices(pointer == null ? unwrapPredictions(root) : at(root));
          case AUTO -> detector.detect(root).predictions();
        };
    if (out.isEmpty()) {
      throw new OutputParseException("response holds no predictions (empty list)");
    }
    return out;
  }

  /**
   * The hot path for the most common format: numbers straight from the token stream, no tree,
   * no boxed nodes. Returns null on any surprise so that the tree path reports it.
   */
  private List<Prediction> probabilitiesStreaming(byte[] body) {
    try (JsonParser p = STREAMING.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return null;
      }
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        List<Prediction> batch = new ArrayList<>();
        while (t == JsonToken.START_ARRAY) {
          double[] v = numbers(p);
          if (v == null) {
            return null;
          }
          batch.add(fromScores(v));
          t = p.nextToken();
        }
        return t == JsonToken.END_ARRAY && p.nextToken() == null && !batch.isEmpty() ? batch : null;
      }
      double[] v = numbersFrom(p, t);
      return v != null && p.nextToken() == null ? List.of(fromScores(v)) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The numbers of an array whose START_ARRAY was just read, or null. */
  private static double[] numbers(JsonParser p) throws IOException {
    return numbersFrom(p, p.nextToken());
  }

  private static double[] numbersFrom(JsonParser p, JsonToken first) throws IOException {
    double[] v = new double[64];
    int n = 0;
    for (JsonToken t = first; t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
        return null;
      }
      if (n == v.length) {
        v = java.util.Arrays.copyOf(v, n * 2);
      }
      v[n++] = p.getDoubleValue();
    }
    return n == 0 ? null : java.util.Arrays.copyOf(v, n);
  }

  private JsonNode at(JsonNode root) throws OutputParseException {
    JsonNode n = root.at(pointer);
    if (n.isMissingNode()) {
      throw new OutputParseException("nothing at JSON Pointer " + spec.pointer() + " in the response");
    }
    return n;
  }

  private static JsonNode unwrapPredictions(JsonNode root) {
    return root.isObject() && root.has("predictions") ? root.get("predictions") : root;
  }

  /** A vector, or a list of vectors (a batch). */
  private List<Prediction> vectors(JsonNode n, String what) throws OutputParseException {
    if (!n.isArray() || n.isEmpty()) {
      throw new OutputParseException(what + " is not a non-empty array of numbers: " + describe(n));
    }
    if (n.get(0).isArray()) {
      List<Prediction> batch = new ArrayList<>(n.size());
      for (JsonNode item : n) {
        batch.add(vector(item, what + " item " + batch.size()));
      }
      return batch;
    }
    return List.of(vector(n, what));
  }

  private Prediction vector(JsonNode n, String what) throws OutputParseException {
    if (!n.isArray() || n.isEmpty()) {
      throw new OutputParseException(what + " is not a non-empty array of numbers: " + describe(n));
    }
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = n.get(i);
      if (!x.isNumber()) {
        throw new OutputParseException(what + "[" + i + "] is not a number: " + describe(x));
      }
      v[i] = x.doubleValue();
    }
    return fromScores(v);
  }

  private Prediction fromScores(double[] v) {
    if (spec.softmax()) {
      Softmax.inPlace(v);
    }
    return Prediction.fromVector(v);
  }

  private List<Prediction> predictions(JsonNode root) throws OutputParseException {
    JsonNode p = root.get("predictions");
    if (p == null) {
      throw new OutputParseException(
          "no \"predictions\" field in the response (format predictions expects {\"predictions\": [...]}): "
              + describe(root));
    }
    if (p.isArray() && !p.isEmpty() && p.get(0).isObject()) {
      List<Prediction> batch = new ArrayList<>(p.size());
      for (JsonNode item : p) {
        batch.add(vector(vectorField(item), "predictions[" + batch.size() + "]"));
      }
      return batch;
    }
    return vectors(p, "\"predictions\"");
  }

  private static JsonNode vectorField(JsonNode item) throws OutputParseException {
    for (String f : VECTOR_FIELDS) {
      JsonNode v = item.get(f);
      if (v != null && v.isArray()) {
        return v;
      }
    }
    JsonNode only = null;
    for (Map.Entry<String, JsonNode> field : item.properties()) {
      JsonNode v = field.getValue();
      if (v.isArray() && !v.isEmpty() && v.get(0).isNumber()) {
        if (only != null) {
          throw new OutputParseException(
              "prediction object has several numeric arrays and none named probabilities|scores|probs|logits|output;"
                  + " use format pointer to pick one: " + describe(item));
        }
        only = v;
      }
    }
    if (only == null) {
      throw new OutputParseException("prediction object holds no numeric array: " + describe(item));
    }
    return only;
  }

  private List<Prediction> kserveV2(JsonNode root) throws OutputParseException {
    JsonNode output;
    if (pointer != null) {
      output = at(root);
    } else {
      JsonNode outputs = root.get("outputs");
      if (outputs == null || !outputs.isArray() || outputs.isEmpty()) {
        throw new OutputParseException(
            "no \"outputs\" array in the response (format kserve-v2 expects {\"outputs\": [{\"shape\":..., \"data\":...}]}): "
                + describe(root));
      }
      output = outputs.get(0);
    }
    JsonNode data = output.get("data");
    JsonNode shape = output.get("shape");
    if (data == null || !data.isArray()) {
      throw new OutputParseException("kserve-v2 output has no \"data\" array: " + describe(output));
    }
    double[] flat = flatten(data);
    int rows;
    int cols;
    if (shape == null || !shape.isArray() || shape.isEmpty()) {
      rows = 1;
      cols = flat.length;
    } else {
      long product = 1;
      for (JsonNode d : shape) {
        product *= d.asLong();
      }
      if (product != flat.length) {
        throw new OutputParseException(
            "kserve-v2 output shape " + shape + " holds " + product + " values but data has " + flat.length);
      }
      cols = shape.get(shape.size() - 1).asInt();
      rows = cols == 0 ? 0 : flat.length / cols;
    }
    if (cols == 0) {
      throw new OutputParseException("kserve-v2 output is empty (shape " + shape + ")");
    }
    List<Prediction> batch = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      double[] v = new double[cols];
      System.arraycopy(flat, r * cols, v, 0, cols);
      batch.add(fromScores(v));
    }
    return batch;
  }

  private static double[] flatten(JsonNode data) throws OutputParseException {
    List<JsonNode> leaves = new ArrayList<>();
    collect(data, leaves);
    double[] out = new double[leaves.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode x = leaves.get(i);
      if (!x.isNumber()) {
        throw new OutputParseException("kserve-v2 data[" + i + "] is not a number: " + describe(x));
      }
      out[i] = x.doubleValue();
    }
    return out;
  }

  private static void collect(JsonNode n, List<JsonNode> leaves) {
    if (n.isArray()) {
      for (JsonNode c : n) {
        collect(c, leaves);
      }
    } else {
      leaves.add(n);
    }
  }

  private List<Prediction> topK(JsonNode root) throws OutputParseException {
    JsonNode n = unwrapPredictions(root);
    if (!n.isArray() || n.isEmpty()) {
      throw new OutputParseException(
          "format top-k expects a list of {label|class, score|probability} objects: " + describe(root));
    }
    if (n.get(0).isArray()) {
      List<Prediction> batch = new ArrayList<>(n.size());
      for (JsonNode item : n) {
        batch.add(topKItem(item));
      }
      return batch;
    }
    return List.of(topKItem(n));
  }

  Prediction topKItem(JsonNode list) throws OutputParseException {
    if (!list.isArray() || list.isEmpty()) {
      throw new OutputParseException("top-k item is not a non-empty list: " + describe(list));
    }
    int k = list.size();
    int[] classes = new int[k];
    double[] scores = new double[k];
    for (int i = 0; i < k; i++) {
      JsonNode e = list.get(i);
      JsonNode c = e.has("class") ? e.get("class") : e.get("label");
      JsonNode s = e.has("score") ? e.get("score") : e.get("probability");
      if (c == null || s == null || !s.isNumber()) {
        throw OutputParseException.because("top-k entry without label and score",
            "top-k entry needs label|class and a numeric score|probability: " + describe(e));
      }
      classes[i] = classOf(c);
      scores[i] = s.doubleValue();
    }
    return topK(classes, scores);
  }

  /**
   * A prediction from part of a distribution: the classes sorted by descending score, the first
   * {@link Prediction#KEPT} kept, entropy unknown. Sorts the arrays in place.
   */
  static Prediction topK(int[] classes, double[] scores) {
    int k = classes.length;
    // Sort descending by score (insertion sort: k is small); servers do not all sort.
    for (int i = 1; i < k; i++) {
      int ci = classes[i];
      double si = scores[i];
      int j = i - 1;
      while (j >= 0 && scores[j] < si) {
        classes[j + 1] = classes[j];
        scores[j + 1] = scores[j];
        j--;
      }
      classes[j + 1] = ci;
      scores[j + 1] = si;
    }
    int kept = Math.min(k, Prediction.KEPT);
    int[] c = new int[kept];
    double[] s = new double[kept];
    System.arraycopy(classes, 0, c, 0, kept);
    System.arraycopy(scores, 0, s, 0, kept);
    // A top-k list is only part of the distribution: its entropy is unknown.
    return new Prediction(c, s, Double.NaN);
  }

  private List<Prediction> classIndices(JsonNode n) throws OutputParseException {
    if (n.isArray()) {
      if (n.isEmpty()) {
        throw new OutputParseException("class-index response is an empty list");
      }
      List<Prediction> batch = new ArrayList<>(n.size());
      for (JsonNode item : n) {
        batch.add(Prediction.classOnly(classOf(item)));
      }
      return batch;
    }
    return List.of(Prediction.classOnly(classOf(n)));
  }

  /** A class given as an index (number or numeric text) or as a label from the labels file. */
  int classOf(JsonNode c) throws OutputParseException {
    if (c.isIntegralNumber()) {
      long i = c.longValue();
      if (i < 0 || i >= MAX_CLASSES) {
        throw OutputParseException.because("class index out of range",
            "class index " + i + " is outside [0, " + MAX_CLASSES + ")");
      }
      return (int) i;
    }
    if (c.isTextual()) {
      String t = c.textValue();
      int i = spec.labels().indexOf(t);
      if (i >= 0) {
        return i;
      }
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() < 10
          && Integer.parseInt(t) < MAX_CLASSES) {
        return Integer.parseInt(t);
      }
      throw OutputParseException.because("label not in the labels file",
          "label '" + t + "' is not in the labels file (" + spec.labels().size()
              + " labels); set endpoints[].labels to a file that names every class");
    }
    throw new OutputParseException("class is neither an index nor a label: " + describe(c));
  }

  static String describe(JsonNode n) {
    String s = n == null ? "null" : n.toString();
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }
}
