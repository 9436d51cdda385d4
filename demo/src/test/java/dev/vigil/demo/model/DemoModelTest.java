package dev.vigil.demo.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.demo.signs.SignBatch;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.train.Inference;
import dev.vigil.demo.train.SignNetTrainer;
import dev.vigil.saliency.autodiff.OrtEnvironments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoModelTest {

  /** A data-set seed that neither training nor the held-out set of the training record used. */
  private static final long FRESH_DATASET_SEED = 20_261_123L;

  @Test
  void committedModelReachesNinetyFivePercentOnFreshlyGeneratedSigns() throws Exception {
    SignBatch fresh = new SignGenerator(SignNetTrainer.GENERATOR_SEED).batch(40, FRESH_DATASET_SEED);
    double accuracy = Inference.accuracy(DemoModel.bytes(), fresh, 2);
    assertThat(accuracy).as("accuracy on %d fresh images", fresh.n()).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void modelTakesImagesAndReturnsOneLogitPerSignClass() throws Exception {
    try (OrtSession session = OrtEnvironments.get().createSession(DemoModel.bytes())) {
      NodeInfo in = session.getInputInfo().get("image");
      NodeInfo out = session.getOutputInfo().get("logits");
      assertThat(((TensorInfo) in.getInfo()).getShape()).containsExactly(-1, 3, 64, 64);
      assertThat(((TensorInfo) out.getInfo()).getShape()).containsExactly(-1, SignClass.count());
    }
  }

  @Test
  void trainingRecordDescribesTheShippedModel() throws Exception {
    JsonNode record = new ObjectMapper().readTree(DemoModel.trainingRecord());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DemoModel.bytes()));
    assertThat(record.path("sha256").asText()).isEqualTo(sha);
    SignNetTrainer.Plan committed = SignNetTrainer.Plan.committed(1);
    JsonNode plan = record.path("plan");
    assertThat(plan.path("seed").asLong()).isEqualTo(committed.seed());
    assertThat(plan.path("epochs").asInt()).isEqualTo(committed.epochs());
    assertThat(plan.path("imagesPerClass").asInt()).isEqualTo(committed.imagesPerClass());
    assertThat(record.path("epochs")).hasSize(committed.epochs());
    assertThat(record.path("epochs").get(committed.epochs() - 1).path("heldOutAccuracy").asDouble())
        .isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void labelsFileListsTheSignClassesInIndexOrder() {
    String labels = new String(DemoModel.labelsFile(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(labels.lines().toList()).isEqualTo(SignClass.labels());
  }

  @Test
  void writeToCreatesFoldersAndWritesTheBytes(@TempDir Path dir) throws Exception {
    Path file = DemoModel.writeTo(dir.resolve("a/b/model.onnx"));
    assertThat(Files.readAllBytes(file)).isEqualTo(DemoModel.bytes());
  }
}
