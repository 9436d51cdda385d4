package dev.vigil.capture.sampling;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Replaces the values at configured JSON Pointers by {@code "sha256:<hex>"} of their JSON text,
 * so PII never leaves the process while equal values stay joinable. Absent pointers are ignored.
 * Thread-safe.
 */
public final class Redactor {
  private final List<JsonPointer> pointers;
  private final ObjectMapper mapper = new ObjectMapper();

  /** @throws IllegalArgumentException when a pointer is not a valid JSON Pointer (RFC 6901) */
  public Redactor(List<String> pointers) {
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
  }

  public boolean enabled() {
    return !pointers.isEmpty();
  }

  /**
   * The JSON text with every configured pointer's value hashed.
   *
   * @throws IOException when the text is not JSON (the caller must then not ship the body)
   */
  public String redact(String json) throws IOException {
    JsonNode root = mapper.readTree(json);
    if (root == null) {
      throw new IOException("empty body is not JSON");
    }
    for (JsonPointer p : pointers) {
      if (p.matches()) {
        root = hashed(root);
        continue;
      }
      JsonNode parent = root.at(p.head());
      String last = p.last().getMatchingProperty();
      if (parent instanceof ObjectNode obj && obj.has(last)) {
        obj.set(last, hashed(obj.get(last)));
      } else if (parent instanceof ArrayNode arr) {
        int index = p.last().getMatchingIndex();
        if (index >= 0 && index < arr.size()) {
          arr.set(index, hashed(arr.get(index)));
        }
      }
    }
    return mapper.writeValueAsString(root);
  }

  private TextNode hashed(JsonNode value) throws IOException {
    String text = value.isTextual() ? value.textValue() : mapper.writeValueAsString(value);
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return TextNode.valueOf("sha256:" + HexFormat.of().formatHex(d));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
