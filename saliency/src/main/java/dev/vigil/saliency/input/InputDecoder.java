package dev.vigil.saliency.input;

import dev.vigil.saliency.Npy;
import dev.vigil.saliency.image.DecodedImage;
import dev.vigil.saliency.image.ImageDecodeException;
import dev.vigil.saliency.image.ImageDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Recovers model inputs from a captured request body, whatever the serving stack it was sent to
 * (docs/payload-formats.md lists each shape with its source):
 *
 * <ul>
 *   <li>raw images: PNG, JPEG, GIF, BMP, TIFF (and WebP when an ImageIO plug-in for it is on the
 *       class path), declared as {@code image/*}, {@code application/x-image}, {@code
 *       application/octet-stream} or not at all: the bytes' signature decides;
 *   <li>NumPy {@code .npy} ({@code application/x-npy}): integer and float16/32/64 arrays in any
 *       image layout, a batch giving one input per image ({@link TensorLayout});
 *   <li>JSON: TF Serving / KServe v1 {@code instances} ({@code b64}, named {@code b64}, {@code
 *       data}, nested numbers), Hugging Face {@code {"inputs": <b64>}}, KServe v2 / Open Inference
 *       Protocol {@code inputs[]} (FP32, UINT8, BYTES, ...), TorchServe {@code data}/{@code body}
 *       base64, bare nested numbers ({@link JsonInputs});
 *   <li>Triton's binary tensor extension: a JSON header followed by raw tensor bytes (the capture
 *       keeps no request headers, so the header's end is found by parsing it);
 *   <li>{@code multipart/form-data} uploads (TorchServe {@code -F data=@img.jpg}, FastAPI {@code
 *       UploadFile}): each file part is decoded by its own type.
 * </ul>
 *
 * <p>Every failure is an {@link ImageDecodeException} with one line saying what was found and what
 * was expected. Stateless and thread-safe.
 */
public final class InputDecoder {
  /** Nesting of containers (base64 inside JSON inside multipart...) followed before giving up. */
  static final int MAX_NESTING = 4;

  private InputDecoder() {}

  /**
   * Decodes a request body into its inputs, in batch order.
   *
   * @param body the request body as captured
   * @param contentType the request's Content-Type as observed (parameters such as the multipart
   *     boundary included), or null
   * @param name the input's name for messages (an event id)
   * @return at least one input
   * @throws ImageDecodeException saying why no input could be recovered
   */
  public static List<DecodedInput> decode(byte[] body, String contentType, String name) {
    return decode(body, contentType, name, 0);
  }

  static List<DecodedInput> decode(byte[] body, String contentType, String name, int depth) {
    if (depth > MAX_NESTING) {
      throw new ImageDecodeException(name + ": inputs nested more than " + MAX_NESTING + " containers deep");
    }
    if (body == null || body.length == 0) {
      throw new ImageDecodeException(name + ": the request body is empty (0 bytes)");
    }
    String media = mediaType(contentType);
    if (media.equals("multipart/form-data") || (media.isEmpty() && Multipart.looksLike(body))) {
      return Multipart.decode(body, contentType, name, depth);
    }
    String image = imageFormat(body);
    if (image != null) {
      return List.of(new DecodedInput(image, 0, decodeImage(body, image, name), null));
    }
    if (isNpy(body)) {
      return npy(body, name);
    }
    int first = firstNonBlank(body);
    if (first == '{' || first == '[') {
      return JsonInputs.decode(body, name, depth);
    }
    if (media.startsWith("image/")) {
      // Declared an image but no known signature: let ImageIO say what it can.
      return List.of(new DecodedInput(media.substring(6), 0, ImageDecoder.decode(body, name), null));
    }
    byte[] unwrapped = base64OrNull(body);
    if (unwrapped != null) {
      List<DecodedInput> inner = decode(unwrapped, null, name, depth + 1);
      List<DecodedInput> out = new ArrayList<>(inner.size());
      inner.forEach(i -> out.add(i.at(i.position(), "base64")));
      return out;
    }
    throw new ImageDecodeException(name + ": unrecognised input (content type "
        + (contentType == null ? "none" : contentType) + ", " + body.length + " bytes, starts with "
        + head(body) + "); expected an image, a .npy array, JSON, multipart/form-data or a Triton binary request");
  }

  /** The image format of a signature, or null: png, jpeg, gif, bmp, tiff, webp. */
  static String imageFormat(byte[] b) {
    if (starts(b, 0x89, 'P', 'N', 'G')) {
      return "png";
    }
    if (starts(b, 0xFF, 0xD8, 0xFF)) {
      return "jpeg";
    }
    if (starts(b, 'G', 'I', 'F', '8')) {
      return "gif";
    }
    if (starts(b, 'B', 'M') && b.length > 26) {
      return "bmp";
    }
    if (starts(b, 'I', 'I', 0x2A, 0x00) || starts(b, 'M', 'M', 0x00, 0x2A)) {
      return "tiff";
    }
    if (starts(b, 'R', 'I', 'F', 'F') && b.length > 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return "webp";
    }
    return null;
  }

  private static DecodedImage decodeImage(byte[] body, String format, String name) {
    if (!ImageIO.getImageReadersByFormatName(format).hasNext()) {
      throw new ImageDecodeException(name + ": a " + format.toUpperCase(Locale.ROOT)
          + " image, but no ImageIO plug-in for " + format + " is installed; add one to the class path"
          + " (e.g. TwelveMonkeys imageio-" + format + ") to replay such inputs");
    }
    return ImageDecoder.decode(body, name);
  }

  static boolean isNpy(byte[] b) {
    return starts(b, 0x93, 'N', 'U', 'M', 'P', 'Y');
  }

  private static List<DecodedInput> npy(byte[] body, String name) {
    Npy.Array a;
    try {
      a = Npy.parse(body, name);
    } catch (IOException e) {
      throw new ImageDecodeException(e.getMessage(), e);
    }
    return TensorLayout.split(a.shape(), a.data(), Npy.isIntegral(a.dtype()), "npy(" + a.dtype() + ")", name);
  }

  /**
   * The bytes of base64 text (standard or URL-safe alphabet, line breaks allowed), or null when
   * the text is not base64 of at least a few bytes.
   */
  static byte[] base64OrNull(byte[] text) {
    String s = new String(text, StandardCharsets.ISO_8859_1).strip();
    return base64OrNull(s);
  }

  static byte[] base64OrNull(String s) {
    if (s.length() < 8 || !s.matches("[A-Za-z0-9+/=_\\-\\r\\n]+")) {
      return null;
    }
    String compact = s.replace("\r", "").replace("\n", "");
    try {
      return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(compact)
          : Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The media type in lower case without parameters; empty when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi >= 0 ? contentType.substring(0, semi) : contentType).strip().toLowerCase(Locale.ROOT);
  }

  static boolean starts(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static int firstNonBlank(byte[] b) {
    for (byte x : b) {
      if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
        return x;
      }
    }
    return -1;
  }

  static String head(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("0x%02X", b[i] & 0xFF));
    }
    return sb.toString();
  }
}
