package dev.vigil.config;

import static dev.vigil.config.Yaml.ENDPOINT;
import static dev.vigil.config.Yaml.assertOnlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code console} section: defaults, the auth rules and masked secrets. */
class ConsoleConfigTest {
  @Test
  void defaultsToLoopbackPort8090WithoutAuth() {
    ConsoleConfig c = Yaml.load(ENDPOINT).console();
    assertThat(c).isEqualTo(ConsoleConfig.defaults());
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8090);
    assertThat(c.auth().type()).isEqualTo(ConsoleAuthType.NONE);
  }

  @Test
  void readsBasicAuthWithThePasswordFromTheEnvironment() {
    VigilConfig c = ConfigLoader.parse(ENDPOINT
        + "console: {host: 0.0.0.0, port: 9999, auth: {type: basic, user: ops, password: '${PW}'}}",
        Map.of("PW", "s3cret:#{"));
    assertThat(c.console().port()).isEqualTo(9999);
    assertThat(c.console().auth().password().reveal()).isEqualTo("s3cret:#{");
    assertThat(c.toYaml()).contains("password: '******'").doesNotContain("s3cret");
  }

  @Test
  void basicNeedsAPassword() {
    assertOnlyProblem(ENDPOINT + "console: {auth: {type: basic, user: ops}}",
        "console.auth.password: is required when console.auth.type is basic; set both user and password (e.g."
            + " password: ${CONSOLE_PASSWORD})");
  }

  @Test
  void bearerNeedsAToken() {
    assertOnlyProblem(ENDPOINT + "console: {auth: {type: bearer}}",
        "console.auth.token: is required when console.auth.type is bearer; e.g. token: ${CONSOLE_TOKEN}");
  }

  @Test
  void credentialsWithoutATypeAreAMistake() {
    assertOnlyProblem(ENDPOINT + "console: {auth: {token: abc}}",
        "console.auth.type: is none while credentials are set under console.auth; set type: basic (user and"
            + " password) or type: bearer (token), or remove them");
  }

  @Test
  void unknownTypeGetsASuggestion() {
    assertOnlyProblem(ENDPOINT + "console: {auth: {type: bearr, token: x}}",
        "console.auth.type: must be one of none, basic, bearer, got 'bearr'; did you mean 'bearer'?");
  }
}
