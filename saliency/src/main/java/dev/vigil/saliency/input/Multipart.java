package dev.vigil.saliency.input;

import dev.vigil.saliency.image.ImageDecodeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code multipart/form-data} uploads (RFC 7578), as TorchServe's {@code curl -F data=@img.jpg}
 * and FastAPI's {@code UploadFile} receive them: each part with a file name, or whose bytes are an
 * image or an array, is decoded by its own Content-Type; plain form fields are skipped.
 */
final class Multipart {
  private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("(?i)\\bname=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("(?i)\\bfilename=\"([^\"]*)\"");

  private Multipart() {}

  /** Whether a body without a Content-Type starts like a multipart body: a {@code --boundary} line. */
  static boolean looksLike(byte[] b) {
    if (b.length < 8 || b[0] != '-' || b[1] != '-') {
      return false;
    }
    for (int i = 2; i < Math.min(b.length - 1, 200); i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return true;
      }
    }
    return false;
  }

  static List<DecodedInput> decode(byte[] body, String contentType, String name, int depth) {
    String boundary = boundary(body, contentType, name);
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<DecodedInput> out = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    if (at < 0) {
      throw new ImageDecodeException(name + ": multipart body does not contain its boundary '" + boundary + "'");
    }
    while (true) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break; // closing delimiter
      }
      start = skipCrlf(body, start);
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        throw new ImageDecodeException(name + ": multipart body ends inside a part (no closing boundary; truncated?)");
      }
      int end = next >= 2 && body[next - 2] == '\r' && body[next - 1] == '\n' ? next - 2 : next;
      part(Arrays.copyOfRange(body, start, end), name, depth, out, skipped);
      at = next;
    }
    if (out.isEmpty()) {
      throw new ImageDecodeException(name + ": multipart body holds no file or image part (fields " + skipped + ")");
    }
    return out;
  }

  private static void part(byte[] part, String name, int depth, List<DecodedInput> out, List<String> skipped) {
    int split = indexOf(part, new byte[] {'\r', '\n', '\r', '\n'}, 0);
    String headers = split < 0 ? "" : new String(part, 0, split, StandardCharsets.ISO_8859_1);
    byte[] content = split < 0 ? part : Arrays.copyOfRange(part, split + 4, part.length);
    String disposition = header(headers, "content-disposition");
    String type = header(headers, "content-type");
    Matcher n = NAME.matcher(disposition == null ? "" : disposition);
    String field = n.find() ? n.group(1) : "part" + out.size();
    boolean file = disposition != null && FILENAME.matcher(disposition).find();
    boolean binary = InputDecoder.imageFormat(content) != null || InputDecoder.isNpy(content);
    if (!file && !binary) {
      skipped.add(field);
      return;
    }
    for (DecodedInput d : InputDecoder.decode(content, type, name + "/" + field, depth + 1)) {
      out.add(d.at(out.size(), "multipart"));
    }
  }

  private static String header(String headers, String wanted) {
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(wanted)) {
        return line.substring(colon + 1).strip();
      }
    }
    return null;
  }

  private static String boundary(byte[] body, String contentType, String name) {
    if (contentType != null) {
      Matcher m = BOUNDARY.matcher(contentType);
      if (m.find()) {
        return m.group(1);
      }
    }
    if (looksLike(body)) {
      int eol = indexOf(body, new byte[] {'\r', '\n'}, 0);
      return new String(body, 2, eol - 2, StandardCharsets.ISO_8859_1).strip();
    }
    throw new ImageDecodeException(name + ": multipart/form-data without a boundary parameter, and the body"
        + " does not start with one");
  }

  private static int skipCrlf(byte[] b, int i) {
    return i + 1 < b.length && b[i] == '\r' && b[i + 1] == '\n' ? i + 2 : i;
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
