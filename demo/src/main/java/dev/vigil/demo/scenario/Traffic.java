package dev.vigil.demo.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's clients: POST each PNG to the model's {@code /predict} through the capture agent,
 * a few requests in flight, and read the answer's top-1 class.
 *
 * <p>Every request carries {@code X-Request-Id} (the agent samples by its hash, so the same ids
 * capture the same requests) and {@code X-Inference-Id} (kept in the capture record, so a
 * flagged record can be traced back to the image that was sent).
 */
final class Traffic implements AutoCloseable {
  /** Requests in flight: enough to keep two model workers busy through the proxy. */
  static final int IN_FLIGHT = 4;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** One request: its id (request and inference id) and the image. */
  record Request(String id, byte[] png) {}

  private final ObjectMapper json = new ObjectMapper();
  private final ExecutorService pool;
  private final HttpClient http;
  private final URI predict;

  /** @param agentPort the capture agent's proxy port on 127.0.0.1 */
  Traffic(int agentPort) {
    this.pool = Executors.newFixedThreadPool(IN_FLIGHT, r -> {
      Thread t = new Thread(r, "vigil-demo-client");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    this.predict = URI.create("http://127.0.0.1:" + agentPort + "/predict");
  }

  /**
   * Sends every request and returns the predicted class of each, in order.
   *
   * @throws IOException when a request fails or is not answered with 200 (the message says which)
   */
  int[] send(List<Request> requests, String what, DemoListener listener) throws IOException, InterruptedException {
    AtomicInteger done = new AtomicInteger();
    List<Future<Integer>> answers = new ArrayList<>(requests.size());
    for (Request r : requests) {
      answers.add(pool.submit(() -> {
        int predicted = post(r);
        listener.progress(what, done.incrementAndGet(), requests.size());
        return predicted;
      }));
    }
    int[] predicted = new int[requests.size()];
    for (int i = 0; i < predicted.length; i++) {
      try {
        predicted[i] = answers.get(i).get();
      } catch (ExecutionException e) {
        answers.forEach(f -> f.cancel(true));
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new IOException("request " + requests.get(i).id() + " failed: " + e.getCause(), e.getCause());
      }
    }
    return predicted;
  }

  private int post(Request r) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(predict).timeout(TIMEOUT)
        .header("Content-Type", "image/png")
        .header("X-Request-Id", r.id())
        .header("X-Inference-Id", r.id())
        .POST(HttpRequest.BodyPublishers.ofByteArray(r.png()))
        .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IOException("request " + r.id() + " to the capture agent at " + predict + " failed: " + e, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("request " + r.id() + " was answered " + response.statusCode() + " by " + predict + ": "
          + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
    }
    JsonNode top = json.readTree(response.body()).path("predictions").path(0).path("class");
    if (!top.isInt()) {
      throw new IOException("the model server's answer to " + r.id() + " has no predictions[0].class");
    }
    return top.asInt();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
