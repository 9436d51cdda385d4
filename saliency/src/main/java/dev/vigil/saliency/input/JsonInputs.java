package dev.vigil.saliency.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.saliency.Npy;
import dev.vigil.saliency.image.ImageDecodeException;
import dev.vigil.saliency.image.TensorJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * JSON request bodies of the serving stacks, and Triton's binary tensor extension (a JSON header
 * followed by the tensors' raw bytes). See {@link InputDecoder} for the list and
 * docs/payload-formats.md for the documents each shape follows.
 */
final class JsonInputs {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Fields that commonly hold one base64 image (TorchServe data/body, generic services). */
  private static final String[] BASE64_FIELDS = {"data", "body", "image", "b64", "image_bytes", "bytes", "input", "img"};

  private JsonInputs() {}

  static List<DecodedInput> decode(byte[] body, String name, int depth) {
    JsonNode root;
    int end;
    try (JsonParser p = MAPPER.getFactory().createParser(body)) {
      root = MAPPER.readTree(p);
      end = (int) Math.min(body.length, p.currentLocation().getByteOffset());
    } catch (JsonProcessingException e) {
      throw new ImageDecodeException(name + ": the request is not valid JSON: " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
    } catch (IOException e) {
      throw new ImageDecodeException(name + ": the request cannot be read: " + e.getMessage(), e);
    }
    while (end < body.length && Character.isWhitespace(body[end])) {
      end++;
    }
    byte[] tail = end < body.length ? Arrays.copyOfRange(body, end, body.length) : null;
    if (tail != null && !(root.isObject() && root.path("inputs").isArray())) {
      throw new ImageDecodeException(name + ": the JSON request is followed by " + tail.length
          + " more bytes, but it is not a Triton binary tensor request (no \"inputs\" array)");
    }
    if (root.isArray()) {
      return numbers(root, "json-array", name);
    }
    if (!root.isObject()) {
      throw new ImageDecodeException(name + ": expected a JSON object or array, found " + root.getNodeType());
    }
    JsonNode instances = root.get("instances");
    if (instances != null) {
      return instances(instances, "tf-serving", name, depth);
    }
    JsonNode inputs = root.get("inputs");
    if (inputs != null) {
      if (inputs.isTextual()) {
        return bytes(inputs.textValue(), "huggingface-b64", name, depth);
      }
      if (inputs.isArray() && !inputs.isEmpty() && inputs.get(0).isObject()
          && inputs.get(0).has("datatype")) {
        return kserveV2(inputs, tail, name, depth);
      }
      return instances(inputs, "tf-serving-columnar", name, depth);
    }
    for (String f : BASE64_FIELDS) {
      JsonNode v = root.get(f);
      if (v != null && v.isTextual()) {
        return bytes(v.textValue(), "json-" + f + "-b64", name, depth);
      }
      if (v != null && v.isObject() && v.path("b64").isTextual()) {
        return bytes(v.get("b64").textValue(), "json-" + f + "-b64", name, depth);
      }
      if (v != null && v.isArray()) {
        return instances(v, "json-" + f, name, depth);
      }
    }
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    throw new ImageDecodeException(name + ": no input recognised in a JSON object with keys " + keys
        + " (expected instances, inputs, or a base64 image under data/body/image)");
  }

  /** TF Serving / KServe v1 {@code instances} (or TF's columnar {@code inputs}): one input per instance. */
  private static List<DecodedInput> instances(JsonNode list, String format, String name, int depth) {
    if (!list.isArray()) {
      list = MAPPER.createArrayNode().add(list);
    }
    if (list.isEmpty()) {
      throw new ImageDecodeException(name + ": " + format + " request holds no instances");
    }
    JsonNode leaf = list;
    while (leaf.isArray() && !leaf.isEmpty()) {
      leaf = leaf.get(0);
    }
    if (leaf.isNumber()) {
      // The whole batch as one nested array: N x (instance shape).
      TensorJson.Numbers n = TensorJson.numbers(list, name);
      int[] shape = n.shape().length == 3 ? new int[] {n.shape()[0], n.shape()[1], n.shape()[2], 1} : n.shape();
      if (shape.length != 4) {
        throw new ImageDecodeException(name + ": " + format + " instances of shape "
            + Arrays.toString(Arrays.copyOfRange(n.shape(), 1, n.shape().length)) + " are not images");
      }
      return TensorLayout.split(shape, n.data(), n.integral(), format + "-tensor", name);
    }
    List<DecodedInput> out = new ArrayList<>();
    for (JsonNode instance : list) {
      for (DecodedInput d : instance(instance, format, name + "[" + out.size() + "]", depth)) {
        out.add(d.at(out.size(), null));
      }
    }
    return out;
  }

  private static List<DecodedInput> instance(JsonNode i, String format, String name, int depth) {
    if (i.isTextual()) {
      return bytes(i.textValue(), format + "-string-b64", name, depth);
    }
    if (i.isObject()) {
      if (i.path("b64").isTextual()) {
        return bytes(i.get("b64").textValue(), format + "-b64", name, depth);
      }
      if (i.path("data").isTextual()) {
        return bytes(i.get("data").textValue(), "kserve-v1-data", name, depth);
      }
      for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) i::fields) {
        JsonNode v = field.getValue();
        if (v.isObject() && v.path("b64").isTextual()) {
          return bytes(v.get("b64").textValue(), format + "-named-b64", name, depth);
        }
        if (v.isArray()) {
          return numbers(v, format + "-named-tensor", name);
        }
      }
      for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) i::fields) {
        if (field.getValue().isTextual() && InputDecoder.base64OrNull(field.getValue().textValue()) != null) {
          return bytes(field.getValue().textValue(), format + "-named-b64", name, depth);
        }
      }
    }
    if (i.isArray()) {
      return numbers(i, format + "-tensor", name);
    }
    throw new ImageDecodeException(name + ": " + format + " instance holds no image or tensor: "
        + abbreviate(i.toString()));
  }

  /** A nested number array: one sample, or a batch when it is rank 4. */
  private static List<DecodedInput> numbers(JsonNode array, String format, String name) {
    TensorJson.Numbers n = TensorJson.numbers(array, name);
    return TensorLayout.split(n.shape(), n.data(), n.integral(), format, name);
  }

  private static List<DecodedInput> bytes(String base64, String format, String name, int depth) {
    byte[] raw = InputDecoder.base64OrNull(base64);
    if (raw == null) {
      throw new ImageDecodeException(name + ": " + format + " value is not base64: " + abbreviate(base64));
    }
    List<DecodedInput> inner = InputDecoder.decode(raw, null, name, depth + 1);
    List<DecodedInput> out = new ArrayList<>(inner.size());
    inner.forEach(d -> out.add(d.at(d.position(), format)));
    return out;
  }

  /**
   * KServe v2 / Open Inference Protocol {@code inputs[]}, the first input (image models take one).
   * With Triton's binary extension its data is in {@code tail}: inputs carrying {@code
   * parameters.binary_data_size} take their bytes from it in order.
   */
  private static List<DecodedInput> kserveV2(JsonNode inputs, byte[] tail, String name, int depth) {
    JsonNode input = inputs.get(0);
    String datatype = input.path("datatype").asText("").toUpperCase(Locale.ROOT);
    String format = (tail != null ? "triton-binary(" : "kserve-v2(") + datatype + ")";
    JsonNode size = input.path("parameters").path("binary_data_size");
    byte[] binary = null;
    if (!size.isMissingNode()) {
      if (tail == null || size.asLong() > tail.length || size.asLong() < 0) {
        throw new ImageDecodeException(name + ": input '" + input.path("name").asText() + "' declares "
            + size.asLong() + " bytes of binary data but the body carries " + (tail == null ? 0 : tail.length));
      }
      binary = Arrays.copyOf(tail, (int) size.asLong()); // the first input's bytes come first
    }
    int[] shape = shape(input.get("shape"));
    if (datatype.equals("BYTES") || datatype.equals("STRING")) {
      List<byte[]> elements = binary != null ? lengthPrefixed(binary, name) : strings(input.get("data"));
      List<DecodedInput> out = new ArrayList<>();
      for (byte[] e : elements) {
        byte[] raw = InputDecoder.imageFormat(e) != null || InputDecoder.isNpy(e) ? e
            : InputDecoder.base64OrNull(new String(e, StandardCharsets.ISO_8859_1));
        if (raw == null) {
          throw new ImageDecodeException(name + ": " + format + " element is neither an image nor base64: "
              + abbreviate(new String(e, StandardCharsets.UTF_8)));
        }
        for (DecodedInput d : InputDecoder.decode(raw, null, name + "[" + out.size() + "]", depth + 1)) {
          out.add(d.at(out.size(), format));
        }
      }
      if (out.isEmpty()) {
        throw new ImageDecodeException(name + ": " + format + " input holds no elements");
      }
      return out;
    }
    float[] data = binary != null ? numeric(binary, datatype, name) : flat(input.get("data"), name);
    if (shape == null) {
      throw new ImageDecodeException(name + ": " + format + " input has no shape; a tensor needs one");
    }
    boolean integral = datatype.startsWith("INT") || datatype.startsWith("UINT") || datatype.equals("BOOL");
    return TensorLayout.split(shape, data, integral, format, name);
  }

  private static int[] shape(JsonNode s) {
    if (s == null || !s.isArray()) {
      return null; // some clients send "shape": -1; only BYTES inputs get by without one
    }
    int[] out = new int[s.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = s.get(i).asInt();
    }
    return out;
  }

  private static List<byte[]> strings(JsonNode data) {
    List<byte[]> out = new ArrayList<>();
    if (data == null) {
      return out;
    }
    if (data.isTextual()) {
      out.add(data.textValue().getBytes(StandardCharsets.UTF_8));
    } else if (data.isArray()) {
      for (JsonNode d : data) {
        out.addAll(strings(d));
      }
    } else if (data.isObject() && data.path("b64").isTextual()) {
      out.add(data.get("b64").textValue().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** BYTES in binary: each element a 4-byte little-endian length, then that many bytes. */
  private static List<byte[]> lengthPrefixed(byte[] b, String name) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    while (in.remaining() >= 4) {
      long len = in.getInt() & 0xffffffffL;
      if (len > in.remaining()) {
        throw new ImageDecodeException(name + ": Triton BYTES element declares " + len + " bytes, "
            + in.remaining() + " remain");
      }
      byte[] e = new byte[(int) len];
      in.get(e);
      out.add(e);
    }
    return out;
  }

  private static float[] flat(JsonNode data, String name) {
    if (data == null) {
      throw new ImageDecodeException(name + ": KServe v2 input has no data");
    }
    return TensorJson.numbers(data, name).data();
  }

  /** Raw little-endian tensor bytes of a KServe v2 datatype as float32. */
  private static float[] numeric(byte[] b, String datatype, String name) {
    int width = switch (datatype) {
      case "BOOL", "UINT8", "INT8" -> 1;
      case "FP16", "INT16", "UINT16" -> 2;
      case "FP32", "INT32", "UINT32" -> 4;
      case "FP64", "INT64", "UINT64" -> 8;
      default -> throw new ImageDecodeException(name + ": unsupported Triton datatype " + datatype);
    };
    if (b.length % width != 0) {
      throw new ImageDecodeException(name + ": " + b.length + " bytes of " + datatype + " is not a whole number of values");
    }
    ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.length / width];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (datatype) {
        case "BOOL", "UINT8" -> in.get() & 0xff;
        case "INT8" -> in.get();
        case "FP16" -> Npy.halfToFloat(in.getShort());
        case "INT16" -> in.getShort();
        case "UINT16" -> in.getShort() & 0xffff;
        case "FP32" -> in.getFloat();
        case "INT32" -> in.getInt();
        case "UINT32" -> in.getInt() & 0xffffffffL;
        case "FP64" -> (float) in.getDouble();
        default -> in.getLong();
      };
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
