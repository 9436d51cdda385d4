package dev.vigil.demo.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.demo.model.DemoModel;
import dev.vigil.demo.scenario.DemoScenario;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.saliency.image.ImageDecoder;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo's model server and saliency replay turn the same image bytes into the same tensor, bit
 * for bit: the server as the demo starts it, the replay's pre-processor as {@code ReportReplay}
 * builds it from the demo's endpoint configuration, fed the way {@code SaliencyReplay} feeds a
 * captured image body.
 */
class ServedTensorTest {
  @TempDir static Path dir;
  private static ImageClassifier classifier;
  private static Predictor server;
  private static Preprocessor replay;

  @BeforeAll
  static void setUp() throws Exception {
    Path model = DemoModel.writeTo(dir.resolve("traffic-signs.onnx"));
    classifier = ImageClassifier.open(model, 1, 0, 0);
    server = ModelServer.builder(model, SignClass.labels()).modelName(DemoScenario.ENDPOINT)
        .predictor(classifier, new ObjectMapper());
    String yaml = "endpoints:\n  - name: " + DemoScenario.ENDPOINT + "\n    preprocessing: "
        + DemoScenario.PREPROCESSING + "\n";
    EndpointConfig endpoint = ConfigLoader.parse(yaml, Map.of()).endpoints().get(0);
    replay = new Preprocessor(Preprocessing.from(endpoint.preprocessing()));
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  static Stream<Arguments> images() throws Exception {
    BufferedImage sign = new SignGenerator(7).render(SignClass.STOP.index(), 3);
    List<Arguments> out = new ArrayList<>();
    for (String format : List.of("png", "jpeg")) {
      out.add(Arguments.of("sign 64x64 (no resize) " + format, encode(sign, format)));
      out.add(Arguments.of("photo 173x111 (shrink) " + format,
          encode(noise(173, 111, BufferedImage.TYPE_INT_RGB), format)));
      out.add(Arguments.of("crop 31x40 (enlarge) " + format,
          encode(noise(31, 40, BufferedImage.TYPE_INT_RGB), format)));
      out.add(Arguments.of("grey 80x80 " + format,
          encode(noise(80, 80, BufferedImage.TYPE_BYTE_GRAY), format)));
    }
    out.add(Arguments.of("translucent 90x70 png", encode(noise(90, 70, BufferedImage.TYPE_INT_ARGB), "png")));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void serverAndReplayMakeTheSameTensor(String name, byte[] bytes) throws Exception {
    float[] served = server.tensor(bytes);
    float[] replayed = replay.prepare(ImageDecoder.decode(bytes, "captured " + name)).chw();
    assertThat(served).hasSize(3 * 64 * 64).containsExactly(replayed);
  }

  /** Smooth gradients plus noise, so resampling and JPEG both have something to do. */
  private static BufferedImage noise(int w, int h, int type) {
    Random random = new Random(w * 31L + h);
    BufferedImage image = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = Math.min(255, x * 255 / w + random.nextInt(40));
        int g = Math.min(255, y * 255 / h + random.nextInt(40));
        int b = random.nextInt(256);
        int a = 64 + random.nextInt(192);
        image.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
      }
    }
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).as("ImageIO writes %s", format).isTrue();
    return out.toByteArray();
  }
}
