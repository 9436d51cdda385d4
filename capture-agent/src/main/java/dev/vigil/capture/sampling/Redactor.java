package dev.vigil.capture.sampling;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces the values at configured JSON Pointers by {@code "hmac-sha256:<keyId>:<hex>"}, an
 * HMAC-SHA256 under a configured secret of the value's text (a string's characters, else its JSON
 * text), so PII never leaves the process while equal values stay joinable and, without the
 * secret, cannot be recovered by hashing a dictionary of likely values.
 *
 * <h2>What is redacted</h2>
 * Decided by the body, not by what the client declared:
 * <ul>
 *   <li>{@code application/x-www-form-urlencoded}: fields named by a pointer ({@code /email} names
 *       {@code email}, {@code /customer/email} names {@code customer[email]} and
 *       {@code customer.email}).
 *   <li>{@code multipart/*}: each part without a file name is a field as above; a part that is
 *       JSON (declared, or starting with '{' or '[') is redacted as JSON; file parts are kept.
 *   <li>Anything else that is declared JSON ({@code application/json}, {@code +json}) or starts
 *       with '{' or '[' (after white space and a byte order mark): parsed as exactly one JSON value
 *       whatever the declared type ({@code text/plain}, none, an unlisted type stored as base64).
 *   <li>Other bodies (images, CSV, plain text) hold nothing a pointer can address: kept as they are.
 * </ul>
 * A body that should be redacted but cannot be parsed (truncated at maxBodyBytes, not valid
 * JSON, a JSON value followed by other data, a bad %-escape) makes {@link #redact} throw: the
 * caller then leaves it out of the record, never ships it unredacted. A body in which no pointer
 * matched is returned as the same array, byte for byte.
 *
 * <h2>Keys</h2>
 * The first key hashes; the others (older ones kept through a rotation) are accepted by
 * {@link #matches}, which checks a stored hash against a value with the key its id names.
 *
 * <p>Thread-safe.
 */
public final class Redactor {
  /** Key ids: short, and safe inside the hash text. */
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** Shortest secret accepted: an HMAC key shorter than this is guessable. */
  public static final int MIN_SECRET_BYTES = 16;
  private static final String PREFIX = "hmac-sha256:";
  private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=(\"([^\"]+)\"|[^;\\s]+)");
  private static final Pattern PART_NAME = Pattern.compile("(?i)[;\\s]name=\"([^\"]*)\"");
  private static final Pattern PART_FILE = Pattern.compile("(?i)[;\\s]filename\\*?=");

  /**
   * An HMAC secret and the id stored with every hash made with it.
   *
   * @throws IllegalArgumentException when the id is not 1-64 of [A-Za-z0-9._-] or the secret is
   *     shorter than {@link #MIN_SECRET_BYTES}
   */
  public record Key(String id, byte[] secret) {
    public Key {
      if (id == null || !KEY_ID.matcher(id).matches()) {
        throw new IllegalArgumentException("redaction key id '" + id + "' must be 1-64 of A-Z a-z 0-9 . _ -");
      }
      if (secret == null || secret.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException("redaction key '" + id + "': the secret must be at least "
            + MIN_SECRET_BYTES + " bytes (e.g. openssl rand -base64 32)");
      }
      secret = secret.clone();
    }

    @Override
    public String toString() {
      return "Key[id=" + id + ", secret=******]";
    }
  }

  private final List<JsonPointer> pointers;
  private final Set<String> fieldNames;
  private final List<Key> keys;
  private final ObjectMapper mapper = new ObjectMapper();
  private final ThreadLocal<Mac> mac;

  /** No redaction: {@link #enabled()} is false. */
  public Redactor(List<String> pointers) {
    this(pointers, List.of());
  }

  /**
   * @param keys newest first; required when pointers are given
   * @throws IllegalArgumentException when a pointer is not a valid JSON Pointer (RFC 6901), or
   *     pointers are given without a key
   */
  public Redactor(List<String> pointers, List<Key> keys) {
    this.pointers =
        pointers.stream()
            .map(
                p -> {
                  try {
                    return JsonPointer.compile(p);
                  } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                        "redact pointer '" + p + "' is not a JSON Pointer (e.g. /user/email): " + e.getMessage(), e);
                  }
                })
            .toList();
    this.keys = List.copyOf(keys);
    if (!this.pointers.isEmpty() && this.keys.isEmpty()) {
      throw new IllegalArgumentException(
          "capture.redact needs an HMAC secret: set agent.redaction.keys (see docs/configuration.md)");
    }
    this.fieldNames = fieldNames(this.pointers);
    Key newest = this.keys.isEmpty() ? null : this.keys.get(0);
    this.mac = ThreadLocal.withInitial(() -> newMac(newest));
  }

  public boolean enabled() {
    return !pointers.isEmpty();
  }

  /**
   * The body with every configured field hashed, or {@code body} itself when nothing matched or it
   * holds nothing a pointer can address (see the class comment).
   *
   * @param contentType the declared Content-Type, may be null
   * @throws IOException when the body should be redacted but cannot be parsed: do not store it
   */
  public byte[] redact(String contentType, byte[] body) throws IOException {
    String media = contentType == null ? "" : ContentTypes.mediaType(contentType);
    if (media.equals("application/x-www-form-urlencoded")) {
      return form(body);
    }
    if (media.startsWith("multipart/")) {
      return multipart(contentType, body);
    }
    if (isJsonType(media) || looksLikeJson(body)) {
      return json(body);
    }
    return body;
  }

  /** The JSON text with every configured pointer's value hashed (a convenience for tests and tools). */
  public String redact(String json) throws IOException {
    return new String(json(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  /** The hash of {@code value} under the newest key, as stored in place of a redacted value. */
  public String hash(String value) {
    Mac m = mac.get();
    byte[] d = m.doFinal(value.getBytes(StandardCharsets.UTF_8));
    return PREFIX + keys.get(0).id() + ":" + HexFormat.of().formatHex(d);
  }

  /** True when {@code hash} is the hash of {@code value} under any configured key (the one its id names). */
  public boolean matches(String hash, String value) {
    for (Key k : keys) {
      String prefix = PREFIX + k.id() + ":";
      if (hash.startsWith(prefix)) {
        byte[] d = newMac(k).doFinal(value.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(
            (prefix + HexFormat.of().formatHex(d)).getBytes(StandardCharsets.US_ASCII),
            hash.getBytes(StandardCharsets.US_ASCII));
      }
    }
    return false;
  }

  private byte[] json(byte[] body) throws IOException {
    JsonNode root;
    try (JsonParser parser = mapper.createParser(body)) {
      root = mapper.readTree(parser);
      if (root == null || root.isMissingNode()) {
        throw new IOException("empty body is not JSON");
      }
      if (parser.nextToken() != null) {
        throw new IOException("data after the JSON value");
      }
    }
    boolean changed = false;
    for (JsonPointer p : pointers) {
      if (p.matches()) {
        root = hashed(root);
        changed = true;
        continue;
      }
      JsonNode parent = root.at(p.head());
      String last = p.last().getMatchingProperty();
      if (parent instanceof ObjectNode obj && obj.has(last)) {
        obj.set(last, hashed(obj.get(last)));
        changed = true;
      } else if (parent instanceof ArrayNode arr) {
        int index = p.last().getMatchingIndex();
        if (index >= 0 && index < arr.size()) {
          arr.set(index, hashed(arr.get(index)));
          changed = true;
        }
      }
    }
    return changed ? mapper.writeValueAsBytes(root) : body;
  }

  private TextNode hashed(JsonNode value) throws IOException {
    return TextNode.valueOf(hash(value.isTextual() ? value.textValue() : mapper.writeValueAsString(value)));
  }

  private byte[] form(byte[] body) throws IOException {
    String text = strictUtf8(body);
    StringBuilder out = new StringBuilder(text.length());
    boolean changed = false;
    int start = 0;
    while (start <= text.length()) {
      int amp = text.indexOf('&', start);
      int end = amp < 0 ? text.length() : amp;
      String pair = text.substring(start, end);
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (eq >= 0 && fieldNames.contains(name)) {
        String value = decode(pair.substring(eq + 1));
        out.append(pair, 0, eq + 1).append(URLEncoder.encode(hash(value), StandardCharsets.UTF_8));
        changed = true;
      } else {
        decode(eq < 0 ? "" : pair.substring(eq + 1)); // a bad escape anywhere: the form is not parseable
        out.append(pair);
      }
      if (amp < 0) {
        break;
      }
      out.append('&');
      start = amp + 1;
    }
    return changed ? out.toString().getBytes(StandardCharsets.UTF_8) : body;
  }

  private byte[] multipart(String contentType, byte[] body) throws IOException {
    Matcher b = BOUNDARY.matcher(contentType);
    if (!b.find()) {
      throw new IOException("multipart body without a boundary parameter");
    }
    String delimiter = "--" + (b.group(2) != null ? b.group(2) : b.group(1));
    // ISO-8859-1 maps every byte to one char and back: binary parts survive untouched
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(delimiter);
    if (at < 0) {
      throw new IOException("multipart body without its boundary");
    }
    StringBuilder out = new StringBuilder(text.length()).append(text, 0, at);
    boolean changed = false;
    while (true) {
      int lineEnd = text.indexOf("\r\n", at);
      if (text.startsWith(delimiter + "--", at)) {
        out.append(text, at, text.length()); // closing delimiter and epilogue
        break;
      }
      int next = lineEnd < 0 ? -1 : text.indexOf("\r\n" + delimiter, lineEnd);
      int headersEnd = lineEnd < 0 ? -1 : text.indexOf("\r\n\r\n", lineEnd);
      if (next < 0 || headersEnd < 0 || headersEnd > next) {
        throw new IOException("multipart body ends inside a part (truncated?)");
      }
      String headers = text.substring(lineEnd + 2, headersEnd + 2);
      String content = text.substring(headersEnd + 4, next);
      String redacted = part(headers, content);
      changed |= !redacted.equals(content);
      out.append(text, at, headersEnd + 4).append(redacted).append("\r\n");
      at = next + 2;
    }
    return changed ? out.toString().getBytes(StandardCharsets.ISO_8859_1) : body;
  }

  private String part(String headers, String content) throws IOException {
    String type = "";
    String disposition = "";
    for (String h : headers.split("\r\n")) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-type:")) {
        type = ContentTypes.mediaType(h.substring(13));
      } else if (lower.startsWith("content-disposition:")) {
        disposition = h.substring(20);
      }
    }
    byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
    boolean file = PART_FILE.matcher(disposition).find();
    Matcher name = PART_NAME.matcher(disposition);
    if (!file && name.find() && fieldNames.contains(name.group(1))) {
      return new String(hash(strictUtf8(bytes)).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
    if (isJsonType(type) || (type.isEmpty() || type.startsWith("text/")) && looksLikeJson(bytes)) {
      return new String(json(bytes), StandardCharsets.ISO_8859_1);
    }
    return content;
  }

  private static boolean isJsonType(String media) {
    return media.equals("application/json") || media.endsWith("+json");
  }

  /** The first byte after white space (and a UTF-8 byte order mark) opens an object or array. */
  static boolean looksLikeJson(byte[] body) {
    int i = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF ? 3 : 0;
    while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
      i++;
    }
    return i < body.length && (body[i] == '{' || body[i] == '[');
  }

  private static String decode(String s) throws IOException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IOException("bad form encoding: " + e.getMessage(), e);
    }
  }

  private static String strictUtf8(byte[] bytes) throws IOException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("not UTF-8 text", e);
    }
  }

  /** Pointer {@code /a/b} names the form fields {@code a[b]} and {@code a.b}; {@code /a} names {@code a}. */
  private static Set<String> fieldNames(List<JsonPointer> pointers) {
    List<String> names = new ArrayList<>();
    for (JsonPointer p : pointers) {
      List<String> parts = new ArrayList<>();
      for (JsonPointer q = p; q != null && !q.matches(); q = q.tail()) {
        parts.add(q.getMatchingProperty());
      }
      if (parts.isEmpty()) {
        continue;
      }
      StringBuilder brackets = new StringBuilder(parts.get(0));
      parts.subList(1, parts.size()).forEach(s -> brackets.append('[').append(s).append(']'));
      names.add(brackets.toString());
      names.add(String.join(".", parts));
    }
    return Set.copyOf(names);
  }

  private static Mac newMac(Key key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      if (key != null) {
        m.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
      }
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
