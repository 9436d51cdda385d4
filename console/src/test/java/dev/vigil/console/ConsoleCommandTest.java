package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.cli.support.CommandRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil console}: options, the line it prints, serving until stopped. */
class ConsoleCommandTest {
  @Test
  void servesOnTheGivenPortUntilStopped() throws Exception {
    ConsoleFixture fx = ConsoleFixture.get();
    ConsoleCommand command = new ConsoleCommand();
    StringWriter out = new StringWriter();
    CommandLine cli = CommandRunner.commandLine(command);
    cli.setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        cli.execute("--config", fx.configFile.toString(), "--port", "0"));
    Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/ \\(auth none\\)");
    Matcher m = url.matcher("");
    for (long deadline = System.nanoTime() + 30_000_000_000L; !m.find() && System.nanoTime() < deadline; ) {
      Thread.sleep(100);
      m = url.matcher(out.toString());
    }
    assertThat(out.toString()).contains("vigil console: http://127.0.0.1:");
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + m.group(1) + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.body()).isEqualTo("ok\n");
    command.stop();
    assertThat(exit.get()).isZero();
  }

  @Test
  void rejectsAPortOutOfRangeAsAUsageError() {
    CommandLine cli = CommandRunner.commandLine(new ConsoleCommand());
    cli.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(cli.execute("--config", "vigil.yaml", "--port", "70000")).isEqualTo(2);
  }
}
