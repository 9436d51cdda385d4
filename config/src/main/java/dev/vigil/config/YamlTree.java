package dev.vigil.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads YAML into a tree whose scalars are the text exactly as written.
 *
 * <p>Why not {@code readTree}: YAML 1.1 typing would turn a password {@code 0123} into
 * {@code 123}, {@code yes} into {@code true} and a variant {@code 1.10} into {@code 1.1}
 * before we could look. Here every scalar stays text; the binder converts it for the key it
 * belongs to (so {@code port: "8080"} and {@code port: ${PORT}} both work). Only YAML
 * {@code null} and {@code ~} are absent values. Anchors and aliases are resolved, duplicate
 * keys are an error with their position.
 */
final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /**
   * Cap on nodes reachable through aliases: nested aliases grow exponentially ("billion
   * laughs"), and a configuration never needs more than a handful.
   */
  static final int MAX_ALIASED_NODES = 100_000;

  private final YAMLParser parser;
  private final Map<String, JsonNode> anchors = new HashMap<>();
  private final Map<String, Integer> anchorSizes = new HashMap<>();
  private long aliasedNodes;

  private YamlTree(YAMLParser parser) {
    this.parser = parser;
  }

  /** The first document of {@code yaml}, or {@code null} when it has none. */
  static JsonNode read(String yaml) throws IOException {
    try (YAMLParser parser = FACTORY.createParser(yaml)) {
      if (parser.nextToken() == null) {
        return null;
      }
      JsonNode root = new YamlTree(parser).value();
      if (parser.nextToken() != null) {
        // A second document would be silently ignored: settings lost without a word.
        throw new StructureException("a second YAML document starts here (after a '---'); put the"
            + " whole configuration in one document", parser.currentTokenLocation());
      }
      return root;
    }
  }

  private JsonNode value() throws IOException {
    if (parser.isCurrentAlias()) {
      JsonNode target = anchors.get(parser.getText());
      if (target == null) {
        throw new StructureException("alias *" + parser.getText() + " names no anchor defined before it",
            parser.currentTokenLocation());
      }
      aliasedNodes += anchorSizes.get(parser.getText());
      if (aliasedNodes > MAX_ALIASED_NODES) {
        throw new StructureException("aliases expand to more than " + MAX_ALIASED_NODES + " values; a"
            + " configuration does not need that many, check the anchors (&) and aliases (*)",
            parser.currentTokenLocation());
      }
      return target;
    }
    String anchor = parser.getObjectId();
    JsonNode node;
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = F.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonLocation at = parser.currentTokenLocation();
          parser.nextToken();
          JsonNode v = value();
          if (object.has(name)) {
            throw new StructureException("duplicate key '" + name + "'; each key may appear once per mapping", at);
          }
          object.set(name, v);
        }
        node = object;
      }
      case START_ARRAY -> {
        ArrayNode array = F.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value());
        }
        node = array;
      }
      case VALUE_NULL -> node = NullNode.instance;
      default -> node = TextNode.valueOf(parser.getText());
    }
    if (anchor != null) {
      anchors.put(anchor, node);
      anchorSizes.put(anchor, size(node, 0));
    }
    return node;
  }

  /** Nodes under {@code node}, counted up to just past the cap. */
  private static int size(JsonNode node, int counted) {
    int n = counted + 1;
    for (JsonNode child : node) {
      if (n > MAX_ALIASED_NODES) {
        break;
      }
      n = size(child, n);
    }
    return n;
  }

  /** A structural problem found while building the tree, with its position. */
  static final class StructureException extends JsonProcessingException {
    private static final long serialVersionUID = 1L;

    StructureException(String message, JsonLocation location) {
      super(message, location);
    }
  }
}
