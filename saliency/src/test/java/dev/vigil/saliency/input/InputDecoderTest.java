package dev.vigil.saliency.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.saliency.image.ImageDecodeException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request bodies as the serving stacks' public documentation shows them (docs/payload-formats.md
 * cites each), decoded into images or tensors, and their corrupt variants rejected in one line.
 */
class InputDecoderTest {
  private static final int W = 6;
  private static final int H = 4;

  /** A W x H picture whose pixel (x, y) is (10x, 20y, 7). */
  static BufferedImage picture() {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        img.setRGB(x, y, (10 * x << 16) | (20 * y << 8) | 7);
      }
    }
    return img;
  }

  static byte[] encoded(String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(picture(), format, out)).as(format).isTrue();
    return out.toByteArray();
  }

  /** {@code np.save} of an array: version 1 header, C order. */
  static byte[] npy(String descr, int[] shape, byte[] data) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims.toString().replaceAll(", $", shape.length == 1 ? "," : "") + "), }";
    int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return b.array();
  }

  /** The picture as uint8 H x W x 3 pixels, {@code n} times. */
  static byte[] hwcPixels(int n) {
    byte[] out = new byte[n * H * W * 3];
    int i = 0;
    for (int k = 0; k < n; k++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          out[i++] = (byte) (10 * x);
          out[i++] = (byte) (20 * y);
          out[i++] = 7;
        }
      }
    }
    return out;
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static List<DecodedInput> decode(byte[] body, String type) {
    return InputDecoder.decode(body, type, "evt");
  }

  private static List<DecodedInput> decode(String body, String type) {
    return decode(body.getBytes(StandardCharsets.UTF_8), type);
  }

  private static void assertIsThePicture(DecodedInput d) {
    assertThat(d.isImage()).as(d.format()).isTrue();
    BufferedImage img = d.image().image();
    assertThat(img.getWidth()).isEqualTo(W);
    assertThat(img.getHeight()).isEqualTo(H);
    assertThat(img.getRGB(5, 3) & 0xFFFFFF).isEqualTo((50 << 16) | (60 << 8) | 7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp", "tiff"})
  void rawLosslessImagesAreSniffedWhateverTheDeclaredType(String format) throws Exception {
    for (String type : new String[] {"image/" + format, "application/octet-stream", "application/x-image", null}) {
      List<DecodedInput> d = decode(encoded(format), type);
      assertThat(d).hasSize(1);
      assertThat(d.get(0).format()).isEqualTo(format);
      assertIsThePicture(d.get(0));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "gif"})
  void lossyEncodingsAreImagesToo(String format) throws Exception {
    List<DecodedInput> d = decode(encoded(format), "image/" + format);
    assertThat(d.get(0).format()).isEqualTo(format);
    assertThat(d.get(0).image().width()).isEqualTo(W);
  }

  @Test
  void webpWithoutAPlugInSaysWhichPlugInIsMissing() {
    byte[] webp = "RIFF\0\0\0\0WEBPVP8 ....".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> decode(webp, "image/webp"))
        .isInstanceOf(ImageDecodeException.class).hasMessageContaining("no ImageIO plug-in for webp");
  }

  @Test
  void sageMakerNpyUint8ImageIsAnImage() {
    // np.save(buf, np.asarray(PIL.Image.open(f))) -> uint8 H x W x 3, sent as application/x-npy
    List<DecodedInput> d = decode(npy("|u1", new int[] {H, W, 3}, hwcPixels(1)), "application/x-npy");
    assertThat(d).hasSize(1);
    assertThat(d.get(0).format()).isEqualTo("npy(|u1) HWC");
    assertIsThePicture(d.get(0));
  }

  @Test
  void npyBatchGivesOneInputPerImageInOrder() {
    List<DecodedInput> d = decode(npy("|u1", new int[] {3, H, W, 3}, hwcPixels(3)), "application/x-npy");
    assertThat(d).extracting(DecodedInput::position).containsExactly(0, 1, 2);
    assertThat(d.get(0).format()).isEqualTo("npy(|u1) NHWC");
    d.forEach(InputDecoderTest::assertIsThePicture);
  }

  @Test
  void npyFloatTensorsAreTensorsInChwWhateverTheirLayout() {
    ByteBuffer chw = ByteBuffer.allocate(3 * H * W * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 3 * H * W; i++) {
      chw.putFloat(i * 0.5f);
    }
    DecodedInput t = decode(npy("<f4", new int[] {1, 3, H, W}, chw.array()), null).get(0);
    assertThat(t.isImage()).isFalse();
    assertThat(t.tensor().shape()).containsExactly(1, 3, H, W);
    assertThat(t.tensor().data()[H * W]).isEqualTo(H * W * 0.5f);
    // the same values saved H x W x C in float16 come back transposed
    ByteBuffer hwc = ByteBuffer.allocate(3 * H * W * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int p = 0; p < H * W; p++) {
      for (int c = 0; c < 3; c++) {
        hwc.putShort(half(c * H * W + p));
      }
    }
    DecodedInput h = decode(npy("<f2", new int[] {H, W, 3}, hwc.array()), "application/x-npy").get(0);
    assertThat(h.format()).isEqualTo("npy(<f2) HWC");
    assertThat(h.tensor().data()[H * W + 5]).isEqualTo(H * W + 5);
  }

  /** binary16 of a small whole number (exact below 2048). */
  private static short half(int v) {
    if (v == 0) {
      return 0;
    }
    int e = 31 - Integer.numberOfLeadingZeros(v);
    int mantissa = (v << (10 - e)) & 0x3ff;
    return (short) (((e + 15) << 10) | mantissa);
  }

  @Test
  void npyGreyAndChwIntegerImages() {
    byte[] grey = new byte[H * W];
    Arrays.fill(grey, (byte) 200);
    DecodedInput g = decode(npy("|u1", new int[] {H, W}, grey), "application/x-npy").get(0);
    assertThat(g.image().image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xC8C8C8);
    ByteBuffer i64 = ByteBuffer.allocate(3 * H * W * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 3 * H * W; i++) {
      i64.putLong(i < H * W ? 255 : 0);
    }
    DecodedInput red = decode(npy("<i8", new int[] {3, H, W}, i64.array()), null).get(0);
    assertThat(red.format()).isEqualTo("npy(<i8) CHW");
    assertThat(red.image().image().getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xFF0000);
  }

  @Test
  void tfServingAndKserveV1JsonVariants() throws Exception {
    String png = b64(encoded("png"));
    String[][] cases = {
        {"{\"instances\":[{\"b64\":\"" + png + "\"}]}", "tf-serving-b64/png"},
        {"{\"instances\":[{\"image_bytes\":{\"b64\":\"" + png + "\"}}]}", "tf-serving-named-b64/png"},
        {"{\"instances\":[{\"data\":\"" + png + "\"}]}", "kserve-v1-data/png"},
        {"{\"inputs\":\"" + png + "\",\"parameters\":{\"top_k\":5}}", "huggingface-b64/png"},
        {"{\"data\":\"" + png + "\"}", "json-data-b64/png"},
    };
    for (String[] c : cases) {
      List<DecodedInput> d = decode(c[0], "application/json");
      assertThat(d).as(c[1]).hasSize(1);
      assertThat(d.get(0).format()).isEqualTo(c[1]);
      assertIsThePicture(d.get(0));
    }
    List<DecodedInput> two = decode("{\"instances\":[{\"b64\":\"" + png + "\"},{\"b64\":\"" + png + "\"}]}", null);
    assertThat(two).extracting(DecodedInput::position).containsExactly(0, 1);
  }

  @Test
  void nestedNumericInstancesAreImagesWhenIntegersAndTensorsWhenFloats() {
    StringBuilder ints = new StringBuilder("{\"instances\":[[");
    StringBuilder floats = new StringBuilder("[");
    for (int y = 0; y < H; y++) {
      ints.append(y == 0 ? "[" : ",[");
      floats.append(y == 0 ? "[" : ",[");
      for (int x = 0; x < W; x++) {
        ints.append(x == 0 ? "" : ",").append("[").append(10 * x).append(",").append(20 * y).append(",7]");
        floats.append(x == 0 ? "" : ",").append("[").append(x / 10.0).append(",0.5,-1.5]");
      }
      ints.append("]");
      floats.append("]");
    }
    ints.append("]]}");
    floats.append("]");
    DecodedInput img = decode(ints.toString(), "application/json").get(0);
    assertThat(img.format()).isEqualTo("tf-serving-tensor NHWC");
    assertIsThePicture(img);
    DecodedInput t = decode(floats.toString(), "application/json").get(0);
    assertThat(t.isImage()).isFalse();
    assertThat(t.tensor().shape()).containsExactly(1, 3, H, W);
    assertThat(t.tensor().data()[2 * H * W]).isEqualTo(-1.5f);
  }

  @Test
  void kserveV2InputsByDatatype() throws Exception {
    String png = b64(encoded("png"));
    DecodedInput bytes = decode("{\"inputs\":[{\"name\":\"input-0\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\""
        + png + "\"]}]}", "application/json").get(0);
    assertThat(bytes.format()).isEqualTo("kserve-v2(BYTES)/png");
    assertIsThePicture(bytes);
    // non-conforming clients: "shape": -1 and a bare string
    assertIsThePicture(decode("{\"inputs\":[{\"name\":\"i\",\"shape\":-1,\"datatype\":\"BYTES\",\"data\":\""
        + png + "\"}]}", null).get(0));
    StringBuilder u8 = new StringBuilder("{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + H + "," + W + ",3],\"datatype\":\"UINT8\",\"data\":[");
    byte[] px = hwcPixels(1);
    for (int i = 0; i < px.length; i++) {
      u8.append(i == 0 ? "" : ",").append(px[i] & 0xFF);
    }
    DecodedInput image = decode(u8.append("]}]}").toString(), null).get(0);
    assertThat(image.format()).isEqualTo("kserve-v2(UINT8) NHWC");
    assertIsThePicture(image);
    StringBuilder fp = new StringBuilder("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3," + H + "," + W + "],\"datatype\":\"FP32\",\"data\":[");
    for (int i = 0; i < 2 * 3 * H * W; i++) {
      fp.append(i == 0 ? "" : ",").append(i / 100.0);
    }
    List<DecodedInput> batch = decode(fp.append("]}]}").toString(), null);
    assertThat(batch).extracting(DecodedInput::position).containsExactly(0, 1);
    assertThat(batch.get(1).tensor().data()[0]).isEqualTo((3 * H * W) / 100f);
  }

  /** Triton binary request: JSON header then raw little-endian tensor bytes. */
  static byte[] tritonBinary(String datatype, int[] shape, byte[] raw) {
    String header = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":" + Arrays.toString(shape).replace(" ", "")
        + ",\"datatype\":\"" + datatype + "\",\"parameters\":{\"binary_data_size\":" + raw.length + "}}],"
        + "\"outputs\":[{\"name\":\"OUTPUT0\",\"parameters\":{\"classification\":3}}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(h, h.length + raw.length);
    System.arraycopy(raw, 0, out, h.length, raw.length);
    return out;
  }

  @Test
  void tritonBinaryTensorsAndBytes() throws Exception {
    ByteBuffer fp = ByteBuffer.allocate(3 * H * W * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 3 * H * W; i++) {
      fp.putFloat(i);
    }
    DecodedInput t = decode(tritonBinary("FP32", new int[] {1, 3, H, W}, fp.array()), "application/octet-stream").get(0);
    assertThat(t.format()).isEqualTo("triton-binary(FP32) NCHW");
    assertThat(t.tensor().data()[3 * H * W - 1]).isEqualTo(3 * H * W - 1);
    byte[] png = encoded("png");
    ByteBuffer el = ByteBuffer.allocate(4 + png.length).order(ByteOrder.LITTLE_ENDIAN).putInt(png.length).put(png);
    DecodedInput image = decode(tritonBinary("BYTES", new int[] {1}, el.array()), null).get(0);
    assertThat(image.format()).isEqualTo("triton-binary(BYTES)/png");
    assertIsThePicture(image);
  }

  /** TorchServe {@code curl -F data=@img.png}, FastAPI {@code UploadFile}: RFC 7578. */
  static byte[] multipart(String boundary, byte[] file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"sign.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(file);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  @Test
  void multipartUploadsDecodeTheirFileParts() throws Exception {
    byte[] body = multipart("------------------------d74496d66958873e", encoded("png"));
    List<DecodedInput> d = decode(body, "multipart/form-data; boundary=------------------------d74496d66958873e");
    assertThat(d).hasSize(1);
    assertThat(d.get(0).format()).isEqualTo("multipart/png");
    assertIsThePicture(d.get(0));
    assertIsThePicture(decode(body, null).get(0)); // boundary sniffed from the first line
  }

  @Test
  void corruptVariantsSayWhatIsWrongInOneLine() throws Exception {
    byte[] png = encoded("png");
    String npyCut = "truncated data";
    Object[][] cases = {
        {Arrays.copyOf(png, png.length / 2), "image/png", "truncated?"},
        {Arrays.copyOf(npy("|u1", new int[] {H, W, 3}, hwcPixels(1)), 140), "application/x-npy", npyCut},
        {npy("|u1", new int[] {2, 7, 5, 9}, new byte[630]), "application/x-npy", "is not an image layout"},
        {"{\"instances\":[{\"b64\":\"not base64!\"}]}".getBytes(StandardCharsets.UTF_8), "application/json", "is not base64"},
        {"{\"instances\":[{\"b64\":".getBytes(StandardCharsets.UTF_8), "application/json", "not valid JSON"},
        {"{\"foo\":1}".getBytes(StandardCharsets.UTF_8), "application/json", "no input recognised"},
        {Arrays.copyOf(tritonBinary("FP32", new int[] {1, 3, H, W}, new byte[3 * H * W * 4]), 200), null,
            "declares " + 3 * H * W * 4 + " bytes of binary data"},
        {multipart("b0undary", png), "multipart/form-data; boundary=other", "does not contain its boundary"},
        {new byte[] {1, 2, 3, 4, 5}, "application/octet-stream", "unrecognised input"},
        {new byte[0], "image/png", "empty"},
    };
    for (Object[] c : cases) {
      assertThatThrownBy(() -> decode((byte[]) c[0], (String) c[1]))
          .as(String.valueOf(c[2]))
          .isInstanceOf(ImageDecodeException.class)
          .hasMessageContaining((String) c[2])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void tensorRenderingSpansTheTensorsRange() {
    float[] d = new float[3 * H * W];
    d[0] = -2f;
    d[H * W] = 2f;
    BufferedImage img = TensorRendering.toImage(new dev.vigil.saliency.ImageTensor(d, 1, 3, H, W), 0);
    assertThat(img.getRGB(0, 0) & 0xFFFFFF).isEqualTo((0 << 16) | (255 << 8) | 128);
  }
}
