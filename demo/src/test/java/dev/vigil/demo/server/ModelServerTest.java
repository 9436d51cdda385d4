package dev.vigil.demo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.OutputFormat;
import dev.vigil.monitor.output.OutputParser;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.monitor.output.Prediction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real servers on 127.0.0.1, real ONNX Runtime, tiny models built in the test. */
class ModelServerTest {
  private static final int SIZE = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static Path model;
  private static ModelServer server;
  private static HttpClient http;

  @BeforeAll
  static void startServer() throws IOException {
    model = TinyModels.convNet(dir, SIZE);
    server = ModelServer.builder(model, TinyModels.LABELS).modelName("tiny").topK(3)
        .workerThreads(2).start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void returnsTheSoftmaxOfTheHandComputedLogits() throws Exception {
    BufferedImage image = randomImage(SIZE, SIZE, 1);
    JsonNode body = postOk(server, "/predict", png(image));

    double[] expected = TinyModels.softmax(TinyModels.logits(planes(image)));
    JsonNode probabilities = body.get("probabilities");
    assertThat(probabilities).hasSize(TinyModels.CLASSES);
    for (int k = 0; k < expected.length; k++) {
      assertThat(probabilities.get(k).asDouble()).isCloseTo(expected[k], within(1e-5));
    }
    assertThat(body.get("model").asText()).isEqualTo("tiny");

    int[] order = argsortDescending(expected);
    JsonNode predictions = body.get("predictions");
    assertThat(predictions).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode p = predictions.get(i);
      assertThat(p.get("class").asInt()).isEqualTo(order[i]);
      assertThat(p.get("label").asText()).isEqualTo(TinyModels.LABELS.get(order[i]));
      assertThat(p.get("score").asDouble()).isCloseTo(expected[order[i]], within(1e-5));
    }
  }

  @Test
  void servesTheKserveStylePathAndMetadata() throws Exception {
    BufferedImage image = randomImage(SIZE, SIZE, 2);
    JsonNode plain = postOk(server, "/predict", png(image));
    JsonNode kserve = postOk(server, "/v1/models/tiny:predict", png(image));
    assertThat(kserve).isEqualTo(plain);

    HttpResponse<String> meta = http.send(
        HttpRequest.newBuilder(uri(server, "/v1/models/tiny")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(meta.statusCode()).isEqualTo(200);
    JsonNode m = JSON.readTree(meta.body());
    assertThat(m.get("input").get("shape").toString()).isEqualTo("[1,3,8,8]");
    assertThat(m.get("labels")).hasSize(4);

    HttpResponse<String> health = http.send(
        HttpRequest.newBuilder(uri(server, "/healthz")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void resizesImagesToTheModelInput() throws Exception {
    // A flat colour stays that colour under any resize, so the hand computation is exact.
    BufferedImage big = flatImage(37, 23, 0xC81E28);
    JsonNode body = postOk(server, "/predict", png(big));
    double[] expected = TinyModels.softmax(TinyModels.logits(planes(flatImage(SIZE, SIZE, 0xC81E28))));
    for (int k = 0; k < expected.length; k++) {
      assertThat(body.get("probabilities").get(k).asDouble()).isCloseTo(expected[k], within(1e-5));
    }
  }

  @Test
  void acceptsJpeg() throws Exception {
    BufferedImage image = randomImage(SIZE, SIZE, 3);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "jpeg", jpeg)).isTrue();
    JsonNode body = postOk(server, "/predict", jpeg.toByteArray());
    // JPEG is lossy: the server must see exactly what a JPEG decoder returns
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.toByteArray()));
    double[] expected = TinyModels.softmax(TinyModels.logits(planes(decoded)));
    for (int k = 0; k < expected.length; k++) {
      assertThat(body.get("probabilities").get(k).asDouble()).isCloseTo(expected[k], within(1e-5));
    }
  }

  @Test
  void appliesMeanAndStdWhenConfigured() throws Exception {
    double[] mean = {0.5, 0.4, 0.3};
    double[] std = {0.25, 0.5, 2.0};
    try (ModelServer normalised = ModelServer.builder(model, TinyModels.LABELS)
        .normalization(255, mean, std).start()) {
      BufferedImage image = randomImage(SIZE, SIZE, 4);
      JsonNode body = postOk(normalised, "/predict", png(image));
      float[][] x = planes(image);
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < x[c].length; p++) {
          x[c][p] = (float) ((x[c][p] - mean[c]) / std[c]);
        }
      }
      double[] expected = TinyModels.softmax(TinyModels.logits(x));
      for (int k = 0; k < expected.length; k++) {
        assertThat(body.get("probabilities").get(k).asDouble())
            .isCloseTo(expected[k], within(1e-5));
      }
    }
  }

  @Test
  void answersBadImagesWith400AndSaysWhy() throws Exception {
    HttpResponse<String> text = post(server, "/predict", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(text.statusCode()).isEqualTo(400);
    assertThat(text.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(JSON.readTree(text.body()).get("error").asText())
        .contains("not a readable PNG/JPEG image").doesNotContain("\n");

    HttpResponse<String> empty = post(server, "/predict", new byte[0]);
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(empty.body()).get("error").asText()).contains("empty");

    byte[] full = png(randomImage(SIZE, SIZE, 5));
    HttpResponse<String> truncated = post(server, "/predict", Arrays.copyOf(full, full.length / 2));
    assertThat(truncated.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(truncated.body()).get("status").asInt()).isEqualTo(400);

    // the server is still fine afterwards
    postOk(server, "/predict", full);
  }

  @Test
  void answersOtherMethodsWith405AndUnknownPathsWith404() throws Exception {
    HttpResponse<String> get = http.send(
        HttpRequest.newBuilder(uri(server, "/predict")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(JSON.readTree(get.body()).get("error").asText()).contains("use POST");

    HttpResponse<String> put = http.send(
        HttpRequest.newBuilder(uri(server, "/v1/models/tiny:predict"))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);

    byte[] image = png(randomImage(SIZE, SIZE, 6));
    assertThat(post(server, "/nope", image).statusCode()).isEqualTo(404);
    HttpResponse<String> otherModel = post(server, "/v1/models/other:predict", image);
    assertThat(otherModel.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(otherModel.body()).get("error").asText()).contains("'tiny'");
  }

  @Test
  void answersOversizedBodiesWith413() throws Exception {
    try (ModelServer small = ModelServer.builder(model, TinyModels.LABELS)
        .maxBodyBytes(1024).start()) {
      byte[] big = png(randomImage(64, 64, 7));
      assertThat(big.length).isGreaterThan(1024);
      HttpResponse<String> response = post(small, "/predict", big);
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(JSON.readTree(response.body()).get("error").asText()).contains("1024 bytes");
      // a body under the limit still works
      postOk(small, "/predict", png(flatImage(SIZE, SIZE, 0x204080)));
    }
  }

  @Test
  void answersModelFailuresWith500() throws Exception {
    Path reshape = TinyModels.reshapeNet(dir);
    List<String> twelve = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      twelve.add("c" + i);
    }
    byte[] image = png(randomImage(SIZE, SIZE, 8));
    try (ModelServer works = ModelServer.builder(reshape, twelve).inputSize(2, 2).start()) {
      assertThat(postOk(works, "/predict", image).get("probabilities")).hasSize(12);
    }
    try (ModelServer fails = ModelServer.builder(reshape, twelve).inputSize(3, 3).start()) {
      HttpResponse<String> response = post(fails, "/predict", image);
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(JSON.readTree(response.body()).get("error").asText()).contains("inference failed");
    }
  }

  @Test
  void refusesToStartWithAClearReason() throws Exception {
    assertThatThrownBy(() -> ModelServer.start(model, List.of("a", "b"), 0))
        .isInstanceOf(ModelServerException.class)
        .hasMessageContaining("4 outputs per image but 2 labels");
    Path reshape = TinyModels.reshapeNet(dir);
    assertThatThrownBy(() -> ModelServer.start(reshape, TinyModels.LABELS, 0))
        .isInstanceOf(ModelServerException.class)
        .hasMessageContaining("dynamic");
    assertThatThrownBy(() -> ModelServer.start(dir.resolve("missing.onnx"), TinyModels.LABELS, 0))
        .isInstanceOf(ModelServerException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ModelServer.start(model, TinyModels.LABELS, server.port()))
        .isInstanceOf(ModelServerException.class)
        .hasMessageContaining("cannot listen");
  }

  @Test
  void answersConcurrentRequestsCorrectly() throws Exception {
    int requests = 48;
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        int seed = 100 + i;
        results.add(clients.submit(() -> {
          BufferedImage image = randomImage(SIZE, SIZE, seed);
          JsonNode body = postOk(server, "/predict", png(image));
          double[] expected = TinyModels.softmax(TinyModels.logits(planes(image)));
          for (int k = 0; k < expected.length; k++) {
            if (Math.abs(body.get("probabilities").get(k).asDouble() - expected[k]) > 1e-5) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void keepsTheConnectionAliveAndAnswersPipelinedRequestsInOrder() throws Exception {
    BufferedImage first = randomImage(SIZE, SIZE, 21);
    BufferedImage second = flatImage(SIZE, SIZE, 0x10A040);
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream both = new ByteArrayOutputStream();
      both.write(rawPost(png(first)));
      both.write(rawPost(png(second)));
      out.write(both.toByteArray()); // two requests in one write: pipelined
      out.flush();
      InputStream in = socket.getInputStream();
      JsonNode a = JSON.readTree(readResponseBody(in));
      JsonNode b = JSON.readTree(readResponseBody(in));
      assertThat(a.get("probabilities").get(0).asDouble())
          .isCloseTo(TinyModels.softmax(TinyModels.logits(planes(first)))[0], within(1e-5));
      assertThat(b.get("probabilities").get(0).asDouble())
          .isCloseTo(TinyModels.softmax(TinyModels.logits(planes(second)))[0], within(1e-5));
      // and the same connection takes a third one
      out.write(rawPost(png(first)));
      out.flush();
      assertThat(JSON.readTree(readResponseBody(in))).isEqualTo(a);
    }
  }

  @Test
  void responsesAreReadByTheMonitorAsPointerAndTopK() throws Exception {
    BufferedImage image = randomImage(SIZE, SIZE, 31);
    byte[] body = post(server, "/predict", png(image)).body().getBytes(StandardCharsets.UTF_8);
    double[] expected = TinyModels.softmax(TinyModels.logits(planes(image)));
    int[] order = argsortDescending(expected);

    Prediction viaPointer = new OutputParser(
        new OutputSpec(OutputFormat.POINTER, "/probabilities", false, null)).parse(body).get(0);
    assertThat(viaPointer.top1Class()).isEqualTo(order[0]);
    assertThat(viaPointer.score(1)).isCloseTo(expected[order[0]], within(1e-5));
    assertThat(viaPointer.entropy()).isFinite();

    Prediction viaTopK = new OutputParser(OutputSpec.of(OutputFormat.TOP_K)).parse(body).get(0);
    assertThat(viaTopK.topClasses()).containsExactly(order[0], order[1], order[2]);
    assertThat(viaTopK.score(1)).isCloseTo(expected[order[0]], within(1e-5));
  }

  // ---------------------------------------------------------------------------------------

  private static JsonNode postOk(ModelServer target, String path, byte[] body) throws Exception {
    HttpResponse<String> response = post(target, path, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> post(ModelServer target, String path, byte[] body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(target, path))
            .header("Content-Type", "image/png")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(ModelServer target, String path) {
    return URI.create("http://127.0.0.1:" + target.port() + path);
  }

  private static byte[] rawPost(byte[] body) {
    String head = "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Reads one HTTP/1.1 response with a Content-Length and returns its body. */
  private static byte[] readResponseBody(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 200");
    assertThat(head.toString().toLowerCase()).contains("connection: keep-alive");
    int length = -1;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return in.readNBytes(length);
  }

  private static BufferedImage randomImage(int w, int h, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rng.nextInt(1 << 24));
      }
    }
    return image;
  }

  private static BufferedImage flatImage(int w, int h, int rgb) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  /** Planar RGB in [0, 1]: what the model should see with the default pre-processing. */
  private static float[][] planes(BufferedImage image) {
    int n = image.getWidth() * image.getHeight();
    float[][] p = new float[3][n];
    int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    for (int i = 0; i < n; i++) {
      p[0][i] = ((rgb[i] >> 16) & 0xff) / 255f;
      p[1][i] = ((rgb[i] >> 8) & 0xff) / 255f;
      p[2][i] = (rgb[i] & 0xff) / 255f;
    }
    return p;
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static int[] argsortDescending(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(v[b], v[a]));
    return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
  }
}
