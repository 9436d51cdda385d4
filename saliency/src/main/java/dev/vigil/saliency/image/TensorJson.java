package dev.vigil.saliency.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.saliency.ImageTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Already pre-processed input given as JSON: a nested number array {@code [N][C][H][W]}, or
 * {@code [C][H][W]} for one image (read as N = 1). Shape errors name the first offending index.
 */
public final class TensorJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TensorJson() {}

  /**
   * Parses a nested JSON array into a tensor.
   *
   * @param name the input's name for messages
   * @throws ImageDecodeException if it is not JSON, not rank 3 or 4, ragged, or holds non-numbers
   */
  public static ImageTensor parse(byte[] json, String name) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ImageDecodeException(
          name
              + " is not valid JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr(),
          e);
    } catch (IOException e) {
      throw new ImageDecodeException(name + " cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new ImageDecodeException(
          name + ": expected a nested number array [N][C][H][W] or [C][H][W] at the top level");
    }
    Numbers numbers = numbers(root, name);
    int[] shape = numbers.shape();
    if (shape.length != 3 && shape.length != 4) {
      throw new ImageDecodeException(
          name
              + ": expected a nested number array [N][C][H][W] or [C][H][W], found rank "
              + shape.length
              + " "
              + java.util.Arrays.toString(shape));
    }
    float[] data = numbers.data();
    return shape.length == 3
        ? new ImageTensor(data, 1, shape[0], shape[1], shape[2])
        : new ImageTensor(data, shape[0], shape[1], shape[2], shape[3]);
  }

  /**
   * A rectangular nested number array of any rank.
   *
   * @param shape its dimensions
   * @param data the values, row-major, as float32
   * @param integral whether every value was written as an integer (pixels, not a tensor)
   */
  public record Numbers(int[] shape, float[] data, boolean integral) {}

  /**
   * Reads a rectangular nested number array of any rank (a JSON request's tensor).
   *
   * @param name the input's name for messages
   * @throws ImageDecodeException if it is empty, too large, ragged, or holds non-numbers
   */
  public static Numbers numbers(JsonNode root, String name) {
    List<Integer> shape = new ArrayList<>();
    JsonNode probe = root;
    while (probe.isArray()) {
      if (probe.isEmpty()) {
        throw new ImageDecodeException(name + ": empty array at depth " + shape.size());
      }
      shape.add(probe.size());
      probe = probe.get(0);
    }
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new ImageDecodeException(name + ": array of " + count + " values is too large");
    }
    float[] data = new float[(int) count];
    int[] cursor = {0};
    boolean[] integral = {true};
    fill(root, shape, 0, data, cursor, new StringBuilder(), name, integral);
    return new Numbers(shape.stream().mapToInt(Integer::intValue).toArray(), data, integral[0]);
  }

  private static void fill(
      JsonNode node,
      List<Integer> shape,
      int depth,
      float[] data,
      int[] cursor,
      StringBuilder path,
      String name,
      boolean[] integral) {
    if (depth == shape.size()) {
      if (!node.isNumber()) {
        throw new ImageDecodeException(name + ": not a number at " + path + ": " + node);
      }
      double v = node.asDouble();
      if (!Double.isFinite(v)) {
        throw new ImageDecodeException(name + ": not a finite number at " + path + ": " + node);
      }
      integral[0] &= node.isIntegralNumber();
      data[cursor[0]++] = (float) v;
      return;
    }
    if (!node.isArray() || node.size() != shape.get(depth)) {
      throw new ImageDecodeException(
          name
              + ": ragged array at "
              + (path.length() == 0 ? "the top level" : path)
              + ": expected "
              + shape.get(depth)
              + " elements (shape "
              + shape
              + "), found "
              + (node.isArray() ? node.size() + " elements" : node.getNodeType().toString()));
    }
    int mark = path.length();
    for (int i = 0; i < node.size(); i++) {
      path.append('[').append(i).append(']');
      fill(node.get(i), shape, depth + 1, data, cursor, path, name, integral);
      path.setLength(mark);
    }
  }
}
