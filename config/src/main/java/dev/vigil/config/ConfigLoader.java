package dev.vigil.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a Vigil YAML file into a validated {@link VigilConfig}, or throws one
 * {@link ConfigException} listing every problem found, each as
 * {@code path: what is wrong, got X; the fix}.
 *
 * <p>Steps: {@code ${ENV}} references become tokens, the YAML is parsed to a tree, tokens are
 * resolved (unset variables reported with their path), the tree is bound to records with
 * defaults filled in (type, range and syntax problems reported, unknown keys reported with a
 * did-you-mean), then the cross-field rules run. Secret values never appear in a message.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads {@code file}, substituting from the process environment. */
  public static VigilConfig load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads {@code file}, substituting {@code ${NAME}} from {@code env}.
   *
   * @throws ConfigException when the file cannot be read or the configuration has problems
   */
  public static VigilConfig load(Path file, Map<String, String> env) {
    return parse(read(file), env);
  }

  /**
   * Parses YAML text, substituting {@code ${NAME}} from {@code env}.
   *
   * @throws ConfigException listing every problem found
   */
  public static VigilConfig parse(String yaml, Map<String, String> env) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(env, "env");
    Problems problems = new Problems();
    StringBuilder tokenized = new StringBuilder(yaml.length());
    EnvSubstitution substitution = EnvSubstitution.prepare(yaml, tokenized);
    JsonNode tree = readTree(tokenized.toString(), substitution);
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      throw new ConfigException("(file): the configuration is empty; it needs at least an endpoints list,"
          + " see config/examples/local.yaml");
    }
    if (!tree.isObject()) {
      throw new ConfigException("(file): must be a mapping of keys (endpoints, sinks, ...) to values, got "
          + Mapping.kind(tree) + "; see config/examples/local.yaml");
    }
    JsonNode resolved = substitution.resolve(tree, env, "", problems);
    VigilConfig config = ConfigBinder.bind(Mapping.of(resolved, "", problems));
    ConfigRules.check(config, problems);
    problems.throwIfAny();
    return config;
  }

  private static JsonNode readTree(String tokenized, EnvSubstitution substitution) {
    try {
      return YamlTree.read(tokenized);
    } catch (JsonProcessingException e) {
      throw new ConfigException(malformed(e, substitution));
    } catch (IOException e) {
      throw new ConfigException("(file): could not be read as YAML: " + e.getMessage());
    }
  }

  /**
   * One line with the position and the parser's own first sentence. The parser's excerpt of
   * the offending line is left out: it could hold a secret written in the file.
   */
  private static String malformed(JsonProcessingException e, EnvSubstitution substitution) {
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "(file)"
        : "line " + at.getLineNr() + ", column " + substitution.originalColumn(at.getLineNr(), at.getColumnNr());
    if (e instanceof YamlTree.StructureException) {
      return where + ": " + substitution.asWritten(e.getOriginalMessage());
    }
    String reason = substitution.asWritten(firstSentence(e.getOriginalMessage()));
    return where + ": malformed YAML: " + reason + "; check the indentation and quoting around that line";
  }

  private static String firstSentence(String message) {
    if (message == null) {
      return "unreadable";
    }
    StringBuilder out = new StringBuilder();
    for (String line : message.split("\n")) {
      String t = line.strip();
      // SnakeYAML messages alternate reasons with "in 'reader', line N" marks and an excerpt.
      if (t.isEmpty() || t.startsWith("in 'reader'") || t.startsWith("in 'string'") || line.startsWith(" ")
          || t.equals("^") || t.startsWith("at [Source")) {
        continue;
      }
      if (out.length() > 0) {
        out.append(": ");
      }
      out.append(t);
    }
    return out.length() == 0 ? "unreadable" : out.toString();
  }

  private static String read(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new ConfigException(file + ": is a directory; pass the YAML file, e.g. " + file.resolve("vigil.yaml"));
      }
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file; check the path (relative paths start at "
          + Path.of("").toAbsolutePath() + ")");
    } catch (AccessDeniedException e) {
      throw new ConfigException(file + ": cannot be read (permission denied); fix its permissions");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + ": is not UTF-8 text; save it as UTF-8");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }
}
