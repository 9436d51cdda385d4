package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key the loader knows (as printed in the effective config). */
class DocsCoverageTest {
  @Test
  void referenceDocumentsEveryKey() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    JsonNode effective = new YAMLMapper().readTree(ConfigPrinter.toYaml(Yaml.load(Yaml.ENDPOINT)));

    List<String> keys = new ArrayList<>();
    leaves(effective, "", keys);

    assertThat(keys).hasSizeGreaterThan(80);
    List<String> undocumented = keys.stream()
        .filter(k -> !docs.contains("`" + relative(k) + "`"))
        .toList();
    assertThat(undocumented).as("keys missing from docs/configuration.md").isEmpty();
  }

  /** The key as the section's table names it: without the section (and sink) prefix. */
  private static String relative(String path) {
    String p = path.replaceFirst("^endpoints\\[0]\\.", "");
    p = p.replaceFirst("^sinks\\.(kafka|s3)\\.", "");
    return p.replaceFirst("^(agent|monitor|saliency|alerts|console)\\.", "");
  }

  private static void leaves(JsonNode node, String path, List<String> out) {
    if (node.isObject() && node.size() > 0) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
      }
    } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
      leaves(node.get(0), path + "[0]", out);
    } else {
      out.add(path);
    }
  }
}
