package dev.vigil.demo.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignImages;
import dev.vigil.demo.train.SignNetTrainer;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil demo serve} with no --model serves the shipped classifier. */
class DemoServeCommandTest {

  @Test
  void servesTheShippedModelByDefaultAndStopsOnRequest() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DemoCli.capturing(out, err);
    DemoCommand.Serve serve = cli.getSubcommands().get("demo").getSubcommands().get("serve").getCommand();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String[] args = {"demo", "serve", "--port", String.valueOf(port), "--workers", "1"};
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(args));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!out.toString().contains("/predict")) {
      if (exit.isDone() || System.nanoTime() > deadline) {
        throw new AssertionError("vigil demo serve did not come up: " + out + err);
      }
      Thread.sleep(50);
    }
    assertThat(out.toString()).contains("model 'traffic-signs' (25 classes) on http://127.0.0.1:" + port);

    byte[] stop = SignImages.png(new SignGenerator(SignNetTrainer.GENERATOR_SEED).render(SignClass.STOP.index(),
        42));
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/predict")).header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.ofByteArray(stop)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode top = new ObjectMapper().readTree(response.body()).path("predictions").get(0);
    assertThat(top.path("label").asText()).isEqualTo("Stop");

    serve.requestStop();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString()).endsWith("vigil demo serve: stopped" + System.lineSeparator());
  }
}
