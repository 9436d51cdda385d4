package dev.vigil.monitor.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vigil.capture.format.BodyExcerpt;
import dev.vigil.classes.Softmax;
import dev.vigil.monitor.output.ParsedOutput.Content;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code output.format: auto}: recognises a response's shape from its body, per record, so a
 * window may mix formats. The shapes, from the serving stacks' public documentation
 * (docs/payload-formats.md):
 *
 * <ul>
 *   <li>class indices at any nesting, {@code 14}, {@code [14]}, {@code [[14]]} (SageMaker PyTorch's
 *       {@code max(1, keepdim=True)[1]}), {@code [14, 3]}, or label strings: integer tokens only;
 *   <li>probability or logit vectors, {@code [..C..]} or N x C (any leading dims): any non-integer
 *       token; a vector with a value outside [0, 1] is read as logits and soft-maxed;
 *   <li>either under {@code predictions} (TF Serving, KServe v1), {@code outputs} (TF Serving's
 *       columnar form) or a field {@code probabilities|scores|probs|logits|output};
 *   <li>top-k lists: Hugging Face {@code [{"label","score"}...]} (a list of those per image),
 *       TorchServe's {@code {"tabby":0.47,...}} and {@code [{"tiger_cat":0.47},...]};
 *   <li>KServe v2 / Open Inference Protocol {@code outputs[]} with {@code shape} and {@code
 *       datatype}: FP vectors, INT indices, BYTES labels or Triton classification strings {@code
 *       "<score>:<index>[:<label>]"};
 *   <li>CSV lines of numbers (SageMaker {@code text/csv}).
 * </ul>
 *
 * <p>The format code is {@code envelope/content}: {@code json}, {@code csv}, {@code predictions},
 * {@code outputs}, a field name, {@code kserve-v2}, {@code triton-classification}, {@code
 * huggingface} or {@code torchserve}; then what {@link Content} it carries. Stateless.
 */
final class OutputDetector {
  /** Fields that hold a score vector, in order of preference. */
  static final String[] VECTOR_FIELDS = {"probabilities", "scores", "probs", "logits", "output"};
  /** Fields that hold class indices or labels without scores. */
  private static final String[] CLASS_FIELDS = {"classes", "class_ids", "class", "class_id", "label", "labels", "prediction"};
  /** Triton's classification extension: {@code <value>:<index>[:<label>]}. */
  private static final Pattern TRITON_CLASS = Pattern.compile("^(-?[0-9.eE+-]+):(\\d+)(?::(.*))?$");
  /** Nesting beyond this is not an output anyone sends; stops hostile bodies early. */
  private static final int MAX_DEPTH = 8;

  private final OutputParser parser;

  OutputDetector(OutputParser parser) {
    this.parser = parser;
  }

  /** The predictions of a JSON body of any supported shape. */
  ParsedOutput detect(JsonNode root) throws OutputParseException {
    if (root.isObject()) {
      return object(root);
    }
    return content("json", root);
  }

  /** A body that is not JSON: CSV lines of numbers, or give up saying so. */
  ParsedOutput csv(byte[] body, String jsonError) throws OutputParseException {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.isEmpty() || !text.matches("[0-9eE+\\-.,\\s]+")) {
      throw OutputParseException.because("not JSON or CSV numbers",
          "response body is neither JSON nor CSV numbers: " + jsonError + "; body starts "
              + excerpt(body));
    }
    List<double[]> rows = new ArrayList<>();
    boolean integral = true;
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",");
      double[] v = new double[cells.length];
      for (int i = 0; i < cells.length; i++) {
        String c = cells[i].strip();
        try {
          v[i] = Double.parseDouble(c);
        } catch (NumberFormatException e) {
          throw OutputParseException.because("malformed CSV number",
              "CSV response cell '" + c + "' is not a number");
        }
        integral &= c.matches("-?\\d+");
      }
      rows.add(v);
    }
    if (integral) {
      List<Prediction> out = new ArrayList<>();
      for (double[] r : rows) {
        out.add(classesOf(r));
      }
      return new ParsedOutput("csv/class-index", Content.CLASS_INDEX, out);
    }
    return vectors("csv", rows);
  }

  private ParsedOutput object(JsonNode o) throws OutputParseException {
    JsonNode predictions = o.get("predictions");
    if (predictions != null) {
      return content("predictions", predictions);
    }
    JsonNode outputs = o.get("outputs");
    if (outputs != null && outputs.isArray() && !outputs.isEmpty() && outputs.get(0).isObject()
        && outputs.get(0).has("data")) {
      return kserveV2(outputs);
    }
    if (outputs != null) {
      return content("outputs", outputs);
    }
    for (String f : VECTOR_FIELDS) {
      JsonNode v = o.get(f);
      if (v != null && (v.isArray() || v.isObject())) {
        return content(f, v);
      }
    }
    if (o.has("label") && (o.has("score") || o.has("probability"))) {
      return new ParsedOutput("huggingface/top-k", Content.TOP_K, List.of(labelScoreList(List.of(o))));
    }
    if (o.size() > 0 && allNumericValues(o)) {
      return torchServeMap(List.of(o));
    }
    for (String f : CLASS_FIELDS) {
      JsonNode v = o.get(f);
      if (v != null && (v.isValueNode() || v.isArray())) {
        return content(f, v);
      }
    }
    List<String> keys = new ArrayList<>();
    o.fieldNames().forEachRemaining(keys::add);
    throw OutputParseException.because("no predictions recognised",
        "no predictions recognised in a JSON object with keys " + keys
            + " (expected predictions, outputs, probabilities, scores, label/score or a label -> score map): "
            + OutputParser.describe(o));
  }

  /** What a value (the body, or a field of it) holds. */
  private ParsedOutput content(String envelope, JsonNode n) throws OutputParseException {
    if (n.isIntegralNumber() || n.isTextual()) {
      return single(envelope, n);
    }
    if (n.isNumber()) {
      throw OutputParseException.because("a lone score",
          "the response holds a single non-integer number " + n + " under " + envelope
              + ": neither a class index nor a score vector");
    }
    if (n.isObject()) {
      if (!"json".equals(envelope) && n.size() > 0 && allNumericValues(n)) {
        return torchServeMap(List.of(n));
      }
      ParsedOutput inner = object(n);
      return new ParsedOutput(envelope + "/" + inner.format(), inner.content(), inner.predictions());
    }
    if (!n.isArray() || n.isEmpty()) {
      throw OutputParseException.because("empty prediction list",
          "no predictions under " + envelope + ": " + OutputParser.describe(n));
    }
    JsonNode leaf = n;
    int depth = 0;
    while (leaf.isArray() && !leaf.isEmpty()) {
      if (++depth > MAX_DEPTH) {
        throw OutputParseException.because("nested too deeply",
            "predictions nested deeper than " + MAX_DEPTH + " arrays");
      }
      leaf = leaf.get(0);
    }
    if (leaf.isNumber()) {
      return numeric(envelope, n);
    }
    if (leaf.isTextual()) {
      return strings(envelope, n);
    }
    if (leaf.isObject()) {
      return objects(envelope, n);
    }
    throw OutputParseException.because("no predictions recognised",
        "no predictions recognised under " + envelope + ": " + OutputParser.describe(n));
  }

  private ParsedOutput single(String envelope, JsonNode n) throws OutputParseException {
    if (n.isTextual() && TRITON_CLASS.matcher(n.textValue()).matches()) {
      return new ParsedOutput("triton-classification/top-k", Content.TOP_K,
          List.of(tritonClassification(List.of(n))));
    }
    return new ParsedOutput(envelope + "/class-index", Content.CLASS_INDEX,
        List.of(Prediction.classOnly(parser.classOf(n))));
  }

  /** Nested numbers: class indices when every token is an integer, else score vectors (last dim). */
  private ParsedOutput numeric(String envelope, JsonNode n) throws OutputParseException {
    List<Integer> shape = new ArrayList<>();
    for (JsonNode p = n; p.isArray(); p = p.get(0)) {
      shape.add(p.size());
    }
    int cols = shape.get(shape.size() - 1);
    List<JsonNode> leaves = new ArrayList<>();
    collect(n, shape, 0, leaves);
    boolean integral = true;
    for (JsonNode x : leaves) {
      integral &= x.isIntegralNumber();
    }
    List<Prediction> out = new ArrayList<>();
    if (integral) {
      if (shape.size() == 1) {
        for (JsonNode x : leaves) {
          out.add(Prediction.classOnly(parser.classOf(x)));
        }
      } else {
        for (int r = 0; r < leaves.size() / cols; r++) {
          int[] classes = new int[Math.min(cols, Prediction.KEPT)];
          for (int i = 0; i < classes.length; i++) {
            classes[i] = parser.classOf(leaves.get(r * cols + i));
          }
          out.add(new Prediction(classes, new double[0], Double.NaN));
        }
      }
      return new ParsedOutput(envelope + "/class-index", Content.CLASS_INDEX, out);
    }
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < leaves.size() / cols; r++) {
      double[] v = new double[cols];
      for (int i = 0; i < cols; i++) {
        v[i] = leaves.get(r * cols + i).doubleValue();
      }
      rows.add(v);
    }
    return vectors(envelope, rows);
  }

  /** Score vectors; logits (a value outside [0, 1]) are soft-maxed. */
  ParsedOutput vectors(String envelope, List<double[]> rows) {
    boolean logits = parser.spec().softmax();
    for (double[] v : rows) {
      for (double x : v) {
        logits |= x < 0 || x > 1;
      }
    }
    List<Prediction> out = new ArrayList<>(rows.size());
    for (double[] v : rows) {
      if (logits) {
        Softmax.inPlace(v);
      }
      out.add(Prediction.fromVector(v));
    }
    Content content = logits ? Content.LOGITS : Content.PROBABILITIES;
    return new ParsedOutput(envelope + "/" + content.code(), content, out);
  }

  private void collect(JsonNode n, List<Integer> shape, int depth, List<JsonNode> leaves)
      throws OutputParseException {
    if (depth == shape.size()) {
      if (!n.isNumber()) {
        throw OutputParseException.because("mixed numbers and other values",
            "expected a number in the prediction array, found " + OutputParser.describe(n));
      }
      leaves.add(n);
      return;
    }
    if (!n.isArray() || n.size() != shape.get(depth)) {
      throw OutputParseException.because("ragged prediction array",
          "ragged prediction array: expected " + shape.get(depth) + " elements at depth " + depth
              + ", found " + OutputParser.describe(n));
    }
    for (JsonNode c : n) {
      collect(c, shape, depth + 1, leaves);
    }
  }

  /** Strings: Triton classification entries, or labels (one per item, or a row per item). */
  private ParsedOutput strings(String envelope, JsonNode n) throws OutputParseException {
    if (n.get(0).isArray()) {
      List<Prediction> out = new ArrayList<>();
      boolean triton = false;
      for (JsonNode row : n) {
        List<JsonNode> items = new ArrayList<>();
        row.forEach(items::add);
        triton = !items.isEmpty() && items.get(0).isTextual()
            && TRITON_CLASS.matcher(items.get(0).textValue()).matches();
        out.add(triton ? tritonClassification(items) : labelRow(items));
      }
      return triton
          ? new ParsedOutput("triton-classification/top-k", Content.TOP_K, out)
          : new ParsedOutput(envelope + "/class-index", Content.CLASS_INDEX, out);
    }
    List<JsonNode> items = new ArrayList<>();
    n.forEach(items::add);
    if (TRITON_CLASS.matcher(n.get(0).asText()).matches()) {
      return new ParsedOutput("triton-classification/top-k", Content.TOP_K, List.of(tritonClassification(items)));
    }
    List<Prediction> out = new ArrayList<>();
    for (JsonNode x : items) {
      out.add(Prediction.classOnly(parser.classOf(x)));
    }
    return new ParsedOutput(envelope + "/class-index", Content.CLASS_INDEX, out);
  }

  private Prediction labelRow(List<JsonNode> row) throws OutputParseException {
    if (row.isEmpty()) {
      throw OutputParseException.because("empty prediction list", "an empty list of labels");
    }
    int[] classes = new int[Math.min(row.size(), Prediction.KEPT)];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = parser.classOf(row.get(i));
    }
    return new Prediction(classes, new double[0], Double.NaN);
  }

  /** {@code "<score>:<index>[:<label>]"} entries of one item, best first after sorting. */
  private Prediction tritonClassification(List<JsonNode> entries) throws OutputParseException {
    int[] classes = new int[entries.size()];
    double[] scores = new double[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      Matcher m = TRITON_CLASS.matcher(entries.get(i).asText());
      if (!m.matches()) {
        throw OutputParseException.because("malformed Triton classification entry",
            "Triton classification entry '" + entries.get(i).asText()
                + "' is not <score>:<index>[:<label>]");
      }
      try {
        scores[i] = Double.parseDouble(m.group(1));
      } catch (NumberFormatException e) {
        throw OutputParseException.because("malformed Triton classification entry",
            "Triton classification score '" + m.group(1) + "' is not a number");
      }
      classes[i] = parser.classOf(LongNode.valueOf(
          m.group(2).length() > 12 ? Long.MAX_VALUE : Long.parseLong(m.group(2))));
    }
    Prediction p = OutputParser.topK(classes, scores);
    for (double x : p.topScores()) {
      if (x < 0 || x > 1) {
        // Raw logits (the model has no soft-max): the order holds, the values are no confidence.
        return new Prediction(p.topClasses(), new double[0], Double.NaN);
      }
    }
    return p;
  }

  /** Objects: top-k lists (per image when nested), label -> score maps, or one object per item. */
  private ParsedOutput objects(String envelope, JsonNode n) throws OutputParseException {
    if (n.get(0).isArray()) {
      List<Prediction> out = new ArrayList<>();
      String format = null;
      Content content = null;
      for (JsonNode row : n) {
        ParsedOutput one = objectList(envelope, row);
        if (one.predictions().size() != 1) {
          throw OutputParseException.because("mixed prediction lists",
              "a list per image must hold one image's top-k: " + OutputParser.describe(row));
        }
        out.add(one.predictions().get(0));
        format = one.format();
        content = one.content();
      }
      return new ParsedOutput(format, content, out);
    }
    return objectList(envelope, n);
  }

  private ParsedOutput objectList(String envelope, JsonNode list) throws OutputParseException {
    if (!list.isArray() || list.isEmpty() || !list.get(0).isObject()) {
      throw OutputParseException.because("empty prediction list",
          "expected a non-empty list of objects: " + OutputParser.describe(list));
    }
    List<JsonNode> items = new ArrayList<>();
    list.forEach(items::add);
    JsonNode first = items.get(0);
    if ((first.has("label") || first.has("class")) && (first.has("score") || first.has("probability"))) {
      String env = "json".equals(envelope) ? "huggingface" : envelope;
      return new ParsedOutput(env + "/top-k", Content.TOP_K, List.of(labelScoreList(items)));
    }
    if (first.size() == 1 && allNumericValues(first)) {
      boolean allSingle = true;
      for (JsonNode o : items) {
        allSingle &= o.isObject() && o.size() == 1 && allNumericValues(o);
      }
      if (allSingle) {
        return torchServeMap(items);
      }
    }
    if (first.size() > 1 && allNumericValues(first)) {
      List<Prediction> out = new ArrayList<>();
      for (JsonNode o : items) {
        out.addAll(torchServeMap(List.of(o)).predictions());
      }
      return new ParsedOutput("torchserve/top-k", Content.TOP_K, out);
    }
    // One object per item, each holding a vector or a class (TF Serving named outputs).
    List<Prediction> out = new ArrayList<>();
    String format = null;
    Content content = null;
    for (JsonNode o : items) {
      if (!o.isObject()) {
        throw OutputParseException.because("mixed prediction lists",
            "expected an object per item, found " + OutputParser.describe(o));
      }
      ParsedOutput one = object(o);
      if (one.predictions().size() != 1) {
        throw OutputParseException.because("mixed prediction lists",
            "an object per item must hold one prediction: " + OutputParser.describe(o));
      }
      out.add(one.predictions().get(0));
      format = envelope + "/" + one.format();
      content = one.content();
    }
    return new ParsedOutput(format, content, out);
  }

  /** Hugging Face / Vigil top-k: {@code [{"label"|"class": x, "score"|"probability": s}, ...]}. */
  private Prediction labelScoreList(List<JsonNode> entries) throws OutputParseException {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    entries.forEach(list::add);
    return parser.topKItem(list);
  }

  /** TorchServe's image classifier: {@code {"tabby": 0.47, ...}} or {@code [{"tabby": 0.47}, ...]}. */
  private ParsedOutput torchServeMap(List<JsonNode> maps) throws OutputParseException {
    int n = 0;
    for (JsonNode m : maps) {
      n += m.size();
    }
    int[] c = new int[n];
    double[] s = new double[n];
    int i = 0;
    for (JsonNode m : maps) {
      for (Map.Entry<String, JsonNode> e : m.properties()) {
        c[i] = parser.classOf(TextNode.valueOf(e.getKey()));
        s[i++] = e.getValue().doubleValue();
      }
    }
    return new ParsedOutput("torchserve/top-k", Content.TOP_K, List.of(OutputParser.topK(c, s)));
  }

  /** KServe v2 / Open Inference Protocol outputs: the first FP output, else classification, else INT. */
  private ParsedOutput kserveV2(JsonNode outputs) throws OutputParseException {
    JsonNode chosen = null;
    int rank = Integer.MAX_VALUE;
    for (JsonNode o : outputs) {
      String type = o.path("datatype").asText("").toUpperCase(java.util.Locale.ROOT);
      int r = type.startsWith("FP") || type.startsWith("BF") ? 0 : type.equals("BYTES") || type.equals("STRING") ? 1
          : type.startsWith("INT") || type.startsWith("UINT") ? 2 : 3;
      if (r < rank) {
        rank = r;
        chosen = o;
      }
    }
    JsonNode data = chosen.get("data");
    JsonNode shape = chosen.get("shape");
    List<JsonNode> flat = new ArrayList<>();
    flattenAny(data, flat, 0);
    if (flat.isEmpty()) {
      throw OutputParseException.because("empty kserve-v2 output",
          "kserve-v2 output '" + chosen.path("name").asText() + "' holds no data");
    }
    int cols = flat.size();
    if (shape != null && shape.isArray() && !shape.isEmpty()) {
      long product = 1;
      for (JsonNode d : shape) {
        product *= d.asLong();
      }
      if (product != flat.size()) {
        throw OutputParseException.because("kserve-v2 shape does not match data",
            "kserve-v2 output '" + chosen.path("name").asText() + "' has shape " + shape + " ("
                + product + " values) but " + flat.size() + " data values");
      }
      cols = shape.size() == 1 ? flat.size() : shape.get(shape.size() - 1).asInt();
    }
    if (rank == 0) {
      List<double[]> rows = new ArrayList<>();
      for (int r = 0; r < flat.size() / cols; r++) {
        double[] v = new double[cols];
        for (int i = 0; i < cols; i++) {
          JsonNode x = flat.get(r * cols + i);
          if (!x.isNumber()) {
            throw OutputParseException.because("kserve-v2 data is not numeric",
                "kserve-v2 FP output value is not a number: " + OutputParser.describe(x));
          }
          v[i] = x.doubleValue();
        }
        rows.add(v);
      }
      return vectors("kserve-v2", rows);
    }
    boolean batchOfOnes = shape != null && shape.isArray() && shape.size() == 1;
    int perItem = batchOfOnes ? 1 : cols;
    List<Prediction> out = new ArrayList<>();
    boolean triton = rank == 1 && TRITON_CLASS.matcher(flat.get(0).asText()).matches();
    if (triton) {
      // Classification: a [k] or [N, k] tensor of "<score>:<index>[:<label>]" strings.
      int k = shape != null && shape.isArray() && !shape.isEmpty() ? cols : flat.size();
      for (int r = 0; r < flat.size() / k; r++) {
        out.add(tritonClassification(flat.subList(r * k, (r + 1) * k)));
      }
      return new ParsedOutput("triton-classification/top-k", Content.TOP_K, out);
    }
    for (int r = 0; r < flat.size() / perItem; r++) {
      List<JsonNode> row = flat.subList(r * perItem, (r + 1) * perItem);
      out.add(row.size() == 1 ? Prediction.classOnly(parser.classOf(row.get(0))) : labelRow(row));
    }
    return new ParsedOutput("kserve-v2/class-index", Content.CLASS_INDEX, out);
  }

  private static void flattenAny(JsonNode n, List<JsonNode> out, int depth) throws OutputParseException {
    if (depth > MAX_DEPTH) {
      throw OutputParseException.because("nested too deeply", "kserve-v2 data nested too deeply");
    }
    if (n == null) {
      return;
    }
    if (n.isArray()) {
      for (JsonNode c : n) {
        flattenAny(c, out, depth + 1);
      }
    } else {
      out.add(n);
    }
  }

  private static boolean allNumericValues(JsonNode o) {
    for (JsonNode v : o) {
      if (!v.isNumber()) {
        return false;
      }
    }
    return true;
  }

  private Prediction classesOf(double[] row) throws OutputParseException {
    int[] classes = new int[Math.min(row.length, Prediction.KEPT)];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = parser.classOf(LongNode.valueOf((long) row[i]));
    }
    return new Prediction(classes, new double[0], Double.NaN);
  }

  /** The first bytes of a body, as text when printable, else hex. */
  static String excerpt(byte[] body) {
    return BodyExcerpt.of(body, 80);
  }
}
