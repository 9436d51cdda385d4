package dev.vigil.pipeline;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;

/**
 * The fixtures under {@code src/test/resources/payloads/} (their README cites the document each
 * follows), with the placeholders of their request templates filled: one W x H picture in every
 * encoding a serving stack receives it in.
 */
final class PayloadFixtures {
  static final int W = 20;
  static final int H = 14;
  /** The tensor inputs' size: the test model's input (TinyCnn.SIZE). */
  static final int SIZE = 16;
  static final String MULTIPART_BOUNDARY = "------------------------3f2a1b";
  static final List<String> NAMES = List.of(
      "sagemaker-pytorch-npy", "sagemaker-pytorch-npy-batch", "tf-serving-b64", "tf-serving-named-b64",
      "tf-serving-tensor", "kserve-v1-data", "kserve-v2-bytes", "kserve-v2-fp32-batch",
      "triton-binary-classification", "torchserve-multipart", "torchserve-raw-list", "huggingface-raw",
      "huggingface-json", "sagemaker-builtin-octet", "corrupt-html-output", "corrupt-unknown-label",
      "corrupt-truncated-png");

  /** One fixture: what is sent, what is answered, what Vigil must make of it. */
  record Fixture(String name, String requestType, byte[] request, String responseType, byte[] response,
      String inputFormat, String outputFormat, int predictions) {
    boolean outputReadable() {
      return !outputFormat.startsWith("!");
    }

    boolean inputReadable() {
      return !inputFormat.startsWith("!");
    }
  }

  private PayloadFixtures() {}

  static List<Fixture> all() {
    Map<String, byte[]> values = placeholders();
    List<Fixture> out = new ArrayList<>();
    for (String name : NAMES) {
      Properties p = new Properties();
      try (InputStream in = resource(name + "/fixture.properties")) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.add(new Fixture(name, p.getProperty("requestType"), fill(bytes(name + "/request.body"), values),
          p.getProperty("responseType"), bytes(name + "/response.body"), p.getProperty("inputFormat"),
          p.getProperty("outputFormat"), Integer.parseInt(p.getProperty("predictions"))));
    }
    return out;
  }

  private static InputStream resource(String path) {
    InputStream in = PayloadFixtures.class.getResourceAsStream("/payloads/" + path);
    if (in == null) {
      throw new IllegalStateException("missing test resource payloads/" + path);
    }
    return in;
  }

  private static byte[] bytes(String path) {
    try (InputStream in = resource(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces every {@code ${NAME}} of a template by its bytes. */
  static byte[] fill(byte[] template, Map<String, byte[]> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < template.length) {
      if (template[i] == '$' && i + 1 < template.length && template[i + 1] == '{') {
        int end = i + 2;
        while (end < template.length && template[end] != '}') {
          end++;
        }
        String key = new String(template, i + 2, end - i - 2, StandardCharsets.US_ASCII);
        byte[] v = values.get(key);
        if (v == null) {
          throw new IllegalArgumentException("unknown placeholder ${" + key + "}");
        }
        out.writeBytes(v);
        i = end + 1;
      } else {
        out.write(template[i++]);
      }
    }
    return out.toByteArray();
  }

  /** A sign-like picture: a red disc with a white bar on grey. */
  static BufferedImage picture() {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        double dx = x - W / 2.0;
        double dy = y - H / 2.0;
        boolean disc = dx * dx + dy * dy < 36;
        boolean bar = disc && Math.abs(dy) < 1.5 && Math.abs(dx) < 4;
        img.setRGB(x, y, bar ? 0xFFFFFF : disc ? 0xD01010 : 0x708090 + x);
      }
    }
    return img;
  }

  private static byte[] encode(String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(picture(), format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, byte[]> placeholders() {
    Map<String, byte[]> v = new LinkedHashMap<>();
    byte[] png = encode("png");
    byte[] jpeg = encode("jpg");
    v.put("PNG", png);
    v.put("JPEG", jpeg);
    v.put("BMP", encode("bmp"));
    v.put("PNG_B64", ascii(Base64.getEncoder().encodeToString(png)));
    v.put("JPEG_B64", ascii(Base64.getEncoder().encodeToString(jpeg)));
    v.put("TRUNCATED_PNG", Arrays.copyOf(png, png.length / 2));
    v.put("NPY_U8_HWC", npy("|u1", new int[] {H, W, 3}, pixels(1)));
    v.put("NPY_U8_NHWC3", npy("|u1", new int[] {3, H, W, 3}, pixels(3)));
    v.put("TENSOR_CHW_JSON", ascii(nestedChw(0)));
    StringBuilder flat = new StringBuilder("[");
    for (int i = 0; i < 2 * 3 * SIZE * SIZE; i++) {
      flat.append(i == 0 ? "" : ",").append(value(i));
    }
    v.put("FP32_NCHW2_FLAT_JSON", ascii(flat.append(']').toString()));
    ByteBuffer raw = ByteBuffer.allocate(3 * SIZE * SIZE * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 3 * SIZE * SIZE; i++) {
      raw.putFloat(value(i));
    }
    v.put("TRITON_FP32_NCHW", triton(raw.array()));
    v.put("MULTIPART_PNG", multipart(png));
    return v;
  }

  /** A pre-processed-looking value in [-2, 2]. */
  private static float value(int i) {
    return ((i * 37) % 41) / 10f - 2f;
  }

  private static String nestedChw(int offset) {
    StringBuilder sb = new StringBuilder("[");
    for (int c = 0; c < 3; c++) {
      sb.append(c == 0 ? "[" : ",[");
      for (int y = 0; y < SIZE; y++) {
        sb.append(y == 0 ? "[" : ",[");
        for (int x = 0; x < SIZE; x++) {
          sb.append(x == 0 ? "" : ",").append(value(offset + (c * SIZE + y) * SIZE + x));
        }
        sb.append(']');
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  /** The picture's uint8 H x W x 3 pixels, {@code n} times (np.asarray(PIL image)). */
  private static byte[] pixels(int n) {
    BufferedImage img = picture();
    byte[] out = new byte[n * H * W * 3];
    int i = 0;
    for (int k = 0; k < n; k++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int rgb = img.getRGB(x, y);
          out[i++] = (byte) (rgb >> 16);
          out[i++] = (byte) (rgb >> 8);
          out[i++] = (byte) rgb;
        }
      }
    }
    return out;
  }

  /** {@code np.save}: magic, version 1.0, header dict padded to 64 bytes, C-order data. */
  static byte[] npy(String descr, int[] shape, byte[] data) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(dims.length() == 0 ? "" : ", ").append(d);
    }
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
    byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length);
    return b.put(header).put(data).array();
  }

  /** Triton binary request: the JSON header, then the input's raw bytes (binary_data_size). */
  private static byte[] triton(byte[] raw) {
    String header = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,3," + SIZE + "," + SIZE + "],\"datatype\":\"FP32\","
        + "\"parameters\":{\"binary_data_size\":" + raw.length + "}}],"
        + "\"outputs\":[{\"name\":\"OUTPUT0\",\"parameters\":{\"classification\":3}}]}";
    byte[] h = ascii(header);
    byte[] out = Arrays.copyOf(h, h.length + raw.length);
    System.arraycopy(raw, 0, out, h.length, raw.length);
    return out;
  }

  /** The JSON header's length: the value of Triton's Inference-Header-Content-Length. */
  static int tritonHeaderLength(byte[] body) {
    int depth = 0;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == '{') {
        depth++;
      } else if (body[i] == '}' && --depth == 0) {
        return i + 1;
      }
    }
    return body.length;
  }

  /** {@code curl -F note=hello -F data=@sign.png}. */
  private static byte[] multipart(byte[] png) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String b = MULTIPART_BOUNDARY;
    out.writeBytes(ascii("--" + b + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + b
        + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"sign.png\"\r\nContent-Type: image/png\r\n\r\n"));
    out.writeBytes(png);
    out.writeBytes(ascii("\r\n--" + b + "--\r\n"));
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
