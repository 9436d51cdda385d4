package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

/** Test helpers: load YAML and look at the problems it produces. */
final class Yaml {
  /** One valid endpoint, for tests about other sections. */
  static final String ENDPOINT = "endpoints: [{name: traffic-signs}]\n";

  private Yaml() {}

  static VigilConfig load(String yaml) {
    return ConfigLoader.parse(yaml, Map.of());
  }

  static List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  static List<String> problems(String yaml, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, env));
    assertThat(e).as("expected a ConfigException for:%n%s", yaml).isNotNull();
    return e.problems();
  }

  /** Asserts that {@code yaml} fails with exactly one problem, {@code expected}. */
  static void assertOnlyProblem(String yaml, String expected) {
    assertThat(problems(yaml)).containsExactly(expected);
  }
}
