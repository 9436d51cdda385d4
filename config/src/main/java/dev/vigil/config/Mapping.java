package dev.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Typed reads from one YAML mapping, reporting each bad value with its path instead of
 * throwing, so one load finds every problem. A rejected value is replaced by its default
 * and the load carries on. {@link #finish()} reports the keys nobody asked for.
 */
final class Mapping {
  private final ObjectNode node;
  private final String path;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();

  /**
   * A view that reports nothing: used to run a check whose message would echo a sensitive
   * value, so the caller can report a masked message instead.
   */
  static Mapping quiet(Mapping m) {
    return new Mapping(m.node, m.path, new Problems());
  }

  private Mapping(ObjectNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  /** {@code node} as a mapping; absent gives an empty one (all defaults), a non-mapping a problem. */
  static Mapping of(JsonNode node, String path, Problems problems) {
    if (node instanceof ObjectNode object) {
      return new Mapping(object, path, problems);
    }
    if (node != null && !node.isNull() && !node.isMissingNode()) {
      // Silenced: its keys cannot be read, so "x is required" below it would only mislead.
      problems.addAndSilence(path, "must be a mapping of keys to values, got " + describe(node));
    }
    return new Mapping(JsonNodeFactory.instance.objectNode(), path, problems);
  }

  String path() {
    return path;
  }

  Problems problems() {
    return problems;
  }

  /** The path of {@code key} under this mapping. */
  String path(String key) {
    return childPath(path, key);
  }

  /** {@code parent.key}, or {@code parent[key]} for keys with dots and such (Kafka properties). */
  static String childPath(String parent, String key) {
    if (key.matches("[A-Za-z0-9_-]+")) {
      return parent.isEmpty() ? key : parent + "." + key;
    }
    return parent + "[" + key + "]";
  }

  /** The raw value of {@code key}, {@code null} when absent or YAML null. Marks the key known. */
  JsonNode raw(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  Mapping mapping(String key) {
    return of(raw(key), path(key), problems);
  }

  /** A text value; absent gives {@code def}. Numbers and booleans are read as their text. */
  String text(String key, String def) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    if (!v.isValueNode()) {
      problems.add(path(key), "must be a single value, got " + describe(v));
      return def;
    }
    return v.asText();
  }

  /** A text value that may be left out: absent, null or empty give {@code null}. */
  String optionalText(String key) {
    String t = text(key, null);
    return t == null || t.isEmpty() ? null : t;
  }

  /** A text value that must be present and non-empty; {@code hint} says what to write. */
  String requiredText(String key, String hint) {
    JsonNode v = raw(key);
    if (v != null && !v.isValueNode()) {
      text(key, null); // reports "must be a single value"; "is required" would be noise on top
      return "";
    }
    String t = text(key, null);
    if (t == null || t.isBlank()) {
      if (!problems.isSilenced(path(key))) {
        problems.add(path(key), "is required; " + hint);
      }
      return "";
    }
    return t;
  }

  /** A secret: never echoed, whatever is wrong with it. */
  Secret secret(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return Secret.empty();
    }
    if (!v.isValueNode()) {
      problems.add(path(key), "must be a single text value, got " + kind(v) + " (value not shown: it is a secret)");
      return Secret.empty();
    }
    return Secret.of(v.asText());
  }

  boolean bool(String key, boolean def) {
    JsonNode v = raw(key);
    if (v == null || isEmptyText(v)) {
      return def;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual() && (v.textValue().equalsIgnoreCase("true") || v.textValue().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(v.textValue());
    }
    problems.add(path(key), "must be true or false, got " + describe(v));
    return def;
  }

  int integer(String key, int def, int min, int max) {
    JsonNode v = raw(key);
    if (v == null || isEmptyText(v)) {
      return def;
    }
    Double d = toDouble(v);
    if (d == null) {
      problems.add(path(key), "must be a whole number, got " + describe(v));
      return def;
    }
    if (d != Math.rint(d) || Double.isInfinite(d)) {
      problems.add(path(key), "must be a whole number, got " + describe(v));
      return def;
    }
    if (d < min || d > max) {
      problems.add(path(key), range(min, max, max == Integer.MAX_VALUE) + ", got " + describe(v));
      return def;
    }
    return d.intValue();
  }

  double number(String key, double def, double min, double max) {
    JsonNode v = raw(key);
    if (v == null || isEmptyText(v)) {
      return def;
    }
    Double d = toDouble(v);
    if (d == null || d.isNaN() || d.isInfinite()) {
      String t = v.isValueNode() ? v.asText().trim() : "";
      String hint = t.endsWith("%") && toDouble(TextNode.valueOf(t.substring(0, t.length() - 1))) != null
          ? "; write the number without %, e.g. " + t.substring(0, t.length() - 1) : "";
      problems.add(path(key), "must be a number, got " + describe(v) + hint);
      return def;
    }
    if (d < min || d > max) {
      problems.add(path(key), range(num(min), num(max), max == Double.MAX_VALUE) + ", got " + describe(v));
      return def;
    }
    return d;
  }

  /** A size: {@code 512KB}, {@code 10MB}, {@code 1GB} or plain bytes, within [min, max]. */
  long size(String key, String def, long min, long max) {
    JsonNode v = raw(key);
    long fallback = Units.parseSize(def);
    if (v == null || isEmptyText(v)) {
      return fallback;
    }
    long bytes = v.isValueNode() && !v.isBoolean() ? Units.parseSize(v.asText()) : -1;
    if (bytes < 0) {
      problems.add(path(key), "must be a size like 512KB, 10MB, 1GB or a number of bytes, got " + describe(v));
      return fallback;
    }
    if (bytes < min || bytes > max) {
      problems.add(path(key), range(Units.formatSize(min), Units.formatSize(max), max == Long.MAX_VALUE) + ", got " + describe(v));
      return fallback;
    }
    return bytes;
  }

  /** A duration: {@code 60s}, {@code 5m}, {@code 6h}, {@code 2d}, {@code 250ms} or ISO-8601. */
  Duration duration(String key, String def, Duration min, Duration max) {
    JsonNode v = raw(key);
    Duration fallback = Units.parseDuration(def);
    if (v == null || isEmptyText(v)) {
      return fallback;
    }
    Duration d = v.isTextual() ? Units.parseDuration(v.textValue()) : null;
    if (d == null) {
      String hint = v.asText().matches("\\d+") ? "; add a unit, e.g. " + v.asText() + "s" : "";
      problems.add(path(key), "must be a duration like 60s, 5m, 6h or PT60S, got " + describe(v) + hint);
      return fallback;
    }
    if ((min != null && d.compareTo(min) < 0) || (max != null && d.compareTo(max) > 0)) {
      String lo = min == null ? null : Units.formatDuration(min);
      String hi = max == null ? null : Units.formatDuration(max);
      String msg = lo != null && hi != null ? "must be between " + lo + " and " + hi
          : lo != null ? "must be at least " + lo : "must be at most " + hi;
      problems.add(path(key), msg + ", got " + describe(v));
      return fallback;
    }
    return d;
  }

  /** One of the enum's YAML spellings (exact); a near miss gets a suggestion. */
  <E extends Enum<E> & ConfigName> E choice(String key, E def, Class<E> type) {
    JsonNode v = raw(key);
    if (v == null || isEmptyText(v)) {
      return def;
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (v.isValueNode() && e.configName().equals(v.asText())) {
        return e;
      }
      names.add(e.configName());
    }
    StringBuilder msg = new StringBuilder("must be one of " + String.join(", ", names) + ", got " + describe(v));
    String guess = v.isValueNode() ? DidYouMean.closest(v.asText(), names) : null;
    if (guess != null) {
      msg.append("; did you mean '").append(guess).append("'?");
    }
    problems.add(path(key), msg.toString());
    return def;
  }

  /**
   * A list of text values. A single text value is read as a comma-separated list, so one
   * environment variable can hold several (e.g. {@code recipients: ${ALERT_TO}}).
   */
  List<String> textList(String key, List<String> def) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    return textList(v, path(key));
  }

  List<String> textList(JsonNode v, String at) {
    List<String> out = new ArrayList<>();
    if (v.isValueNode()) {
      for (String part : v.asText().split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
      return out;
    }
    if (!v.isArray()) {
      problems.add(at, "must be a list, e.g. [a, b], got " + describe(v));
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (item == null || item.isNull() || !item.isValueNode()) {
        problems.add(at + "[" + i + "]", "must be a single value, got " + describe(item));
      } else {
        out.add(item.asText());
      }
    }
    return out;
  }

  List<Double> numberList(String key, List<Double> def) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    if (!v.isArray()) {
      problems.add(path(key), "must be a list of numbers, e.g. [0.5, 0.5, 0.5], got " + describe(v));
      return def;
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      Double d = toDouble(v.get(i));
      if (d == null || d.isNaN() || d.isInfinite()) {
        problems.add(path(key) + "[" + i + "]", "must be a number, got " + describe(v.get(i)));
        return def;
      }
      out.add(d);
    }
    return out;
  }

  /** The items of a list value ({@code null} when absent); a non-list is a problem. */
  List<JsonNode> list(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      problems.add(path(key), "must be a list, got " + describe(v));
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    v.forEach(out::add);
    return out;
  }

  /** A free-form mapping (keys chosen by the user): its entries, in file order. */
  Map<String, JsonNode> entries() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      known.add(e.getKey());
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** Reports keys that no read asked for, each with the closest known key if any. */
  void finish() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (known.contains(name)) {
        continue;
      }
      String guess = DidYouMean.closest(name, known);
      if (guess != null) {
        problems.addAlways(path(name), "unknown key; did you mean '" + guess + "'?");
      } else {
        StringJoiner allowed = new StringJoiner(", ");
        known.forEach(allowed::add);
        problems.addAlways(path(name), "unknown key; allowed keys here are " + allowed);
      }
    }
  }

  /** How a value is shown after "got": numbers and booleans bare, text quoted, others by kind. */
  static String describe(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNumber() || v.isBoolean()) {
      return v.asText();
    }
    if (v.isTextual()) {
      String t = v.textValue();
      if (t.length() > 100) {
        t = t.substring(0, 97) + "...";
      }
      // Scalars arrive as text (see YamlTree); show numbers and booleans as they were written.
      boolean bare = t.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|true|false");
      return bare ? t : "'" + t + "'";
    }
    return kind(v);
  }

  static String kind(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.isNumber() ? "a number" : v.isBoolean() ? "a boolean" : "a text value";
  }

  private static boolean isEmptyText(JsonNode v) {
    return v.isTextual() && v.textValue().isEmpty();
  }

  private static Double toDouble(JsonNode v) {
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      String t = v.textValue().trim();
      // Text numbers come from ${ENV} substitution (and quoted YAML): accept plain decimals only.
      if (t.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
        return Double.parseDouble(t);
      }
    }
    return null;
  }

  private static String range(Object min, Object max, boolean unbounded) {
    return unbounded ? "must be at least " + min : "must be between " + min + " and " + max;
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
