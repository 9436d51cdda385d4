package dev.vigil.demo.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTrainCommandTest {

  @Test
  void trainsAModelAndWritesItsTrainingRecord(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path model = dir.resolve("signs.onnx");
    int code = DemoCli.capturing(out, err).execute("demo", "train", "--out", model.toString(), "--epochs", "1",
        "--images-per-class", "3", "--threads", "2", "--seed", "5");
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.size(model)).isGreaterThan(100_000);
    assertThat(out.toString()).contains("epoch  1: loss ").contains("wrote " + model).contains("held-out accuracy");
    assertThat(err.toString()).contains("epoch 1/1 [");
    JsonNode record = new ObjectMapper().readTree(dir.resolve("signs.json").toFile());
    assertThat(record.path("plan").path("seed").asLong()).isEqualTo(5);
    assertThat(record.path("epochs")).hasSize(1);
    assertThat(record.path("sha256").asText()).hasSize(64);
  }

  @Test
  void zeroEpochsIsAUsageError(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = DemoCli.capturing(out, err).execute("demo", "train", "--out", dir.resolve("m.onnx").toString(),
        "--epochs", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("epochs");
  }

  @Test
  void missingOutputFolderIsAUsageError(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = DemoCli.capturing(out, err).execute("demo", "train", "--out", dir.resolve("no/such/m.onnx")
        .toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("does not exist; create it");
  }
}
