package dev.vigil.demo.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.classes.Labels;
import dev.vigil.config.ChannelOrder;
import dev.vigil.config.ResizeMode;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler's scheduling, stepped by hand: a Netty {@link EmbeddedChannel} and an executor
 * whose tasks the test runs, so overload and ordering are deterministic (no timing).
 */
class PredictHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static ImageClassifier classifier;
  private static Predictor predictor;

  @BeforeAll
  static void loadModel() throws Exception {
    classifier = ImageClassifier.open(TinyModels.convNet(dir, 4), 1, 0, 0);
    predictor = new Predictor("tiny", classifier,
        new Preprocessor(new Preprocessing(4, 4, ResizeMode.STRETCH, ChannelOrder.RGB, 255, List.of(0.0),
            List.of(1.0))),
        Labels.of(TinyModels.LABELS), 2, true, JSON);
  }

  @AfterAll
  static void closeModel() {
    classifier.close();
  }

  @Test
  void answers503WithRetryAfterWhenTheWorkerQueueIsFull() throws Exception {
    Executor full = task -> {
      throw new RejectedExecutionException("queue full");
    };
    EmbeddedChannel channel = new EmbeddedChannel(new PredictHandler(predictor, "tiny", full, JSON));
    channel.writeInbound(post(image(0x336699)));
    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status().code()).isEqualTo(503);
    assertThat(response.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    assertThat(JSON.readTree(response.content().toString(StandardCharsets.UTF_8))
        .get("error").asText()).contains("busy");
    response.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void pipelinedRequestsWaitForTheOneBeforeThem() throws Exception {
    ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    EmbeddedChannel channel = new EmbeddedChannel(new PredictHandler(predictor, "tiny", tasks::add, JSON));
    channel.writeInbound(post(image(0xFF0000)), post(image(0x0000FF)));

    // only the first is with a worker; the second waits and reading is paused
    assertThat(tasks).hasSize(1);
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat((Object) channel.readOutbound()).isNull();

    tasks.poll().run();
    channel.runPendingTasks(); // the worker hands the response back to the event loop
    FullHttpResponse first = channel.readOutbound();
    assertThat(tasks).as("the second request is dispatched after the first answer").hasSize(1);

    tasks.poll().run();
    channel.runPendingTasks();
    FullHttpResponse second = channel.readOutbound();
    assertThat(channel.config().isAutoRead()).isTrue();

    assertThat(top1(first)).isEqualTo(expectedTop1(0xFF0000));
    assertThat(top1(second)).isEqualTo(expectedTop1(0x0000FF));
    assertThat(expectedTop1(0xFF0000)).isNotEqualTo(expectedTop1(0x0000FF));
    first.release();
    second.release();
    channel.finishAndReleaseAll();
  }

  private static int top1(FullHttpResponse response) throws Exception {
    assertThat(response.status().code()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
    return body.get("predictions").get(0).get("class").asInt();
  }

  private static int expectedTop1(int rgb) {
    float[][] x = new float[3][16];
    for (int p = 0; p < 16; p++) {
      x[0][p] = ((rgb >> 16) & 0xff) / 255f;
      x[1][p] = ((rgb >> 8) & 0xff) / 255f;
      x[2][p] = (rgb & 0xff) / 255f;
    }
    double[] p = TinyModels.softmax(TinyModels.logits(x));
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }

  private static FullHttpRequest post(byte[] body) {
    FullHttpRequest request = new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.POST, "/predict", Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return request;
  }

  private static byte[] image(int rgb) throws Exception {
    BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
