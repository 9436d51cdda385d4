package dev.vigil.config;

import static dev.vigil.config.Yaml.assertOnlyProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MalformedInputTest {
  @TempDir Path dir;

  private static final String EMPTY =
      "(file): the configuration is empty; it needs at least an endpoints list, see config/examples/local.yaml";

  @Test
  void emptyFileIsOneClearProblem() {
    assertOnlyProblem("", EMPTY);
    assertOnlyProblem("# only comments\n\n", EMPTY);
    assertOnlyProblem("---\n", EMPTY);
  }

  @Test
  void rootMustBeAMapping() {
    assertOnlyProblem("- traffic-signs\n",
        "(file): must be a mapping of keys (endpoints, sinks, ...) to values, got a list; see"
            + " config/examples/local.yaml");
  }

  @Test
  void badIndentationGivesLineAndColumn() {
    assertOnlyProblem("endpoints:\n  - name: x\n   variant: y\n",
        "line 3, column 4: malformed YAML: while parsing a block collection: expected <block end>, but found"
            + " '<block mapping start>'; check the indentation and quoting around that line");
  }

  @Test
  void tabsGiveLineAndColumn() {
    assertThat(Yaml.problems("endpoints:\n\t- name: x\n")).singleElement().asString()
        .startsWith("line 1, column 10: malformed YAML: ")
        .contains("TAB");
  }

  @Test
  void positionIsTheOneInTheFileAsWrittenEvenAfterAVariable() {
    // The token standing in for ${A} is longer than "${A}"; the column must still be the file's.
    assertThat(Yaml.problems("endpoints: [{name: ${A}, variant: [}]\n")).singleElement().asString()
        .startsWith("line 1, column 36: malformed YAML: ");
  }

  @Test
  void duplicateKeysAreAnErrorWithTheirPosition() {
    assertOnlyProblem("endpoints:\n  - name: a\n    name: b\n",
        "line 3, column 5: duplicate key 'name'; each key may appear once per mapping");
  }

  @Test
  void malformedYamlMessageDoesNotEchoTheLine() {
    assertThat(Yaml.problems("alerts:\n  smtp: {password: s3cr3t-value: x}\nendpoints: [{name: a}]\n"))
        .singleElement().asString().doesNotContain("s3cr3t");
  }

  @Test
  void scalarsAreReadAsWritten() {
    VigilConfig c = Yaml.load("""
        endpoints: [{name: a, variant: 1.10}]
        alerts: {smtp: {password: 0123}}
        """);
    assertThat(c.endpoints().get(0).variant()).isEqualTo("1.10");
    assertThat(c.alerts().smtp().password().reveal()).isEqualTo("0123");
  }

  @Test
  void anchorsAndAliasesAreResolved() {
    VigilConfig c = Yaml.load("""
        endpoints:
          - {name: a, route: {pathPrefix: /a}, preprocessing: &pre {width: 32, height: 32}}
          - {name: b, route: {pathPrefix: /b}, preprocessing: *pre}
        """);
    assertThat(c.endpoints().get(1).preprocessing().width()).isEqualTo(32);
  }

  @Test
  void aSecondDocumentIsNotSilentlyIgnored() {
    assertOnlyProblem("endpoints: [{name: a}]\n---\nalerts: {from: x@example.com}\n",
        "line 3, column 1: a second YAML document starts here (after a '---'); put the whole"
            + " configuration in one document");
  }

  @Test
  void exponentialAliasesAreRefused() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 9; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    assertThat(Yaml.problems(yaml.toString())).singleElement().asString()
        .contains("aliases expand to more than 100000 values");
  }

  @Test
  void endpointsGivenAsAMappingIsOneProblem() {
    assertOnlyProblem("endpoints: {name: a}", "endpoints: must be a list, got a mapping");
  }

  @Test
  void missingFileSaysSoOnOneLine() {
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(missing + ": no such file; check the path");
  }

  @Test
  void directoryIsNotAFile() {
    assertThatThrownBy(() -> ConfigLoader.load(dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir + ": is a directory; pass the YAML file, e.g. " + dir.resolve("vigil.yaml"));
  }

  @Test
  void nonUtf8FileSaysSo() throws IOException {
    Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": is not UTF-8 text; save it as UTF-8");
  }
}
