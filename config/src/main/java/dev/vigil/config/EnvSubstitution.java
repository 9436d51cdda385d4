package dev.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} substitution; {@code $${} writes a literal
 * {@code ${}.
 *
 * <p>Two passes, so that an environment value can neither change the YAML's structure (a
 * password holding {@code ": "} or {@code "#"}) nor break flow mappings
 * ({@code {user: ${SMTP_USER:-}}}, where braces are syntax): first every reference in the raw
 * text becomes an opaque alphanumeric token, then the YAML is parsed, then tokens in the
 * tree's text values are replaced, which also tells us the path of every unset variable.
 */
final class EnvSubstitution {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String nonce;
  private final List<String> references = new ArrayList<>();
  // Per token: {line, column in the tokenized text where it starts (1-based), length difference}.
  private final List<int[]> shifts = new ArrayList<>();
  private final Pattern token;

  private EnvSubstitution(String nonce) {
    this.nonce = nonce;
    this.token = Pattern.compile("VGL" + nonce + "(E(\\d+)|D)X");
  }

  /** Replaces references in {@code yaml} by tokens; returns the text to parse. */
  static EnvSubstitution prepare(String yaml, StringBuilder out) {
    EnvSubstitution env = new EnvSubstitution(freshNonce(yaml));
    int i = 0;
    int n = yaml.length();
    int line = 1;
    int lineStart = 0; // index in out where the current line starts
    while (i < n) {
      if (yaml.startsWith("$${", i)) {
        String t = "VGL" + env.nonce + "DX";
        env.shifts.add(new int[] {line, out.length() - lineStart + 1, t.length() - 3});
        out.append(t);
        i += 3;
      } else if (yaml.startsWith("${", i)) {
        int close = yaml.indexOf('}', i + 2);
        int eol = yaml.indexOf('\n', i + 2);
        if (close < 0 || (eol >= 0 && eol < close)) {
          out.append("${"); // left as is: reported with its path after parsing
          i += 2;
        } else {
          String t = "VGL" + env.nonce + "E" + env.references.size() + "X";
          env.shifts.add(new int[] {line, out.length() - lineStart + 1, t.length() - (close + 1 - i)});
          out.append(t);
          env.references.add(yaml.substring(i + 2, close));
          i = close + 1;
        }
      } else {
        char c = yaml.charAt(i++);
        out.append(c);
        if (c == '\n') {
          line++;
          lineStart = out.length();
        }
      }
    }
    return env;
  }

  /**
   * The column in the text as written for a {@code column} of the tokenized text: tokens
   * differ in length from the references they stand for, so positions after one shift.
   */
  int originalColumn(int line, int column) {
    int shift = 0;
    for (int[] s : shifts) {
      if (s[0] == line && s[1] < column) {
        shift += s[2];
      }
    }
    return column - shift;
  }

  /** A copy of {@code tree} with every token resolved against {@code vars}. */
  JsonNode resolve(JsonNode tree, Map<String, String> vars, String path, Problems problems) {
    if (tree instanceof ObjectNode object) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = object.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (token.matcher(key).find()) {
          String resolved = substitute(key, vars, path, problems);
          key = resolved == null ? asWritten(e.getKey()) : resolved;
        }
        String childPath = Mapping.childPath(path, key);
        copy.set(key, resolve(e.getValue(), vars, childPath, problems));
      }
      return copy;
    }
    if (tree instanceof ArrayNode array) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < array.size(); i++) {
        copy.add(resolve(array.get(i), vars, path + "[" + i + "]", problems));
      }
      return copy;
    }
    if (tree != null && tree.isTextual()) {
      String text = tree.textValue();
      boolean hasToken = token.matcher(text).find();
      if (text.contains("${")) {
        problems.add(path, "'${' without a closing '}'; write ${NAME} or ${NAME:-default}, or $${ for a literal ${");
        return NullNode.instance;
      }
      if (!hasToken) {
        return tree;
      }
      String resolved = substitute(text, vars, path, problems);
      return resolved == null ? NullNode.instance : TextNode.valueOf(resolved);
    }
    return tree;
  }

  /** {@code text} with its tokens turned back into the references they stand for. */
  String asWritten(String text) {
    Matcher m = token.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String original = m.group(2) == null ? "$${" : "${" + references.get(Integer.parseInt(m.group(2))) + "}";
      m.appendReplacement(out, Matcher.quoteReplacement(original));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code text} with tokens replaced, or {@code null} when a reference could not be resolved. */
  private String substitute(String text, Map<String, String> vars, String path, Problems problems) {
    Matcher m = token.matcher(text);
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    while (m.find()) {
      String replacement;
      if (m.group(2) == null) {
        replacement = "${";
      } else {
        String ref = references.get(Integer.parseInt(m.group(2)));
        replacement = lookup(ref, vars, path, problems);
        if (replacement == null) {
          ok = false;
          replacement = "";
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return ok ? out.toString() : null;
  }

  private static String lookup(String ref, Map<String, String> vars, String path, Problems problems) {
    int sep = ref.indexOf(":-");
    String name = sep < 0 ? ref : ref.substring(0, sep);
    if (!NAME.matcher(name).matches()) {
      // Only the name is echoed: the default after ":-" may be a secret.
      problems.addAndSilence(path, "'" + name + "' is not a valid environment variable name; names are letters,"
          + " digits and _ (not starting with a digit): write ${NAME} or ${NAME:-default}");
      return null;
    }
    String value = vars.get(name);
    if (value != null) {
      return value;
    }
    if (sep >= 0) {
      return ref.substring(sep + 2);
    }
    problems.addAndSilence(path, "environment variable " + name + " is not set; export it or write ${"
        + name + ":-default}");
    return null;
  }

  private static String freshNonce(String yaml) {
    SecureRandom random = new SecureRandom();
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    while (true) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (!yaml.contains(sb)) {
        return sb.toString();
      }
    }
  }
}
