package dev.vigil.demo.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.cli.support.ExitCodes;
import dev.vigil.cli.support.ProgressBar;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.train.SignNetTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code vigil demo train}: trains the demo classifier from its seed. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the demo's traffic-sign classifier (SignNet, a small ResNet: Conv + BatchNormalization + ReLU "
          + "residual blocks, global average pooling, Gemm) in Java: ONNX Runtime runs forward, cross-entropy and "
          + "the backward pass written into the graph by Vigil's autodiff; AdamW updates the weights.",
      "Each epoch renders new synthetic images. The defaults are the plan of the model shipped in vigil.jar: the "
          + "same seed and --threads reproduce it. Writes FILE and FILE's name with .json: the plan, every "
          + "epoch's loss and held-out accuracy, and the model's SHA-256."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:model written", "1:training or writing failed", "2:bad option"})
final class DemoTrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "traffic-signs.onnx", paramLabel = "FILE",
      description = "Where to write the model (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--seed", paramLabel = "SEED", description = "Weights and training data (default: the shipped "
      + "model's).")
  Long seed;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the shipped model's).")
  Integer epochs;

  @Option(names = "--images-per-class", paramLabel = "N",
      description = "New images per class per epoch (default: the shipped model's).")
  Integer imagesPerClass;

  @Option(names = "--threads", paramLabel = "N",
      description = "ONNX Runtime threads (default: one per processor; the result depends on it).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    SignNetTrainer.Plan committed = SignNetTrainer.Plan.committed(cores);
    SignNetTrainer.Plan plan;
    try {
      plan = new SignNetTrainer.Plan(seed != null ? seed : committed.seed(),
          epochs != null ? epochs : committed.epochs(),
          imagesPerClass != null ? imagesPerClass : committed.imagesPerClass(), committed.batchSize(),
          committed.learningRate(), committed.weightDecay(), committed.heldOutPerClass(), cores);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + ": folder " + parent
          + " does not exist; create it or choose another path");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SignGenerator generator = new SignGenerator(SignNetTrainer.GENERATOR_SEED);
    int classes = generator.classCount();
    stdout.printf(Locale.ROOT, "vigil demo train: %d epochs x %,d images (%d per class), batch %d, seed %d, "
        + "%d threads%n", plan.epochs(), plan.imagesPerClass() * classes, plan.imagesPerClass(), plan.batchSize(),
        plan.seed(), plan.threads());
    stdout.flush();
    List<Map<String, Object>> history = new ArrayList<>();
    ProgressBar bar = new ProgressBar(err, DemoCommand.BAR_WIDTH);
    SignNetTrainer.Trained trained = new SignNetTrainer(generator).train(plan, new SignNetTrainer.Progress() {
          @Override
          public void step(int epoch, int done, int total, double loss) {
            bar.update("epoch " + epoch + "/" + plan.epochs(), done, total);
          }

          @Override
          public void epoch(SignNetTrainer.Epoch e) {
            bar.end();
            stdout.printf(Locale.ROOT, "epoch %2d: loss %.4f, train accuracy %.2f%%, held-out accuracy %.2f%% "
                + "(%.1f s)%n", e.epoch(), e.meanLoss(), 100 * e.trainAccuracy(), 100 * e.heldOutAccuracy(),
                e.took().toMillis() / 1000.0);
            stdout.flush();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e.epoch());
            row.put("loss", e.meanLoss());
            row.put("trainAccuracy", e.trainAccuracy());
            row.put("heldOutAccuracy", e.heldOutAccuracy());
            row.put("seconds", e.took().toMillis() / 1000.0);
            history.add(row);
          }
        });
    Files.write(out, trained.model());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(trained.model()));
    Path record = recordFile(out);
    writeRecord(record, plan, history, sha);
    stdout.printf(Locale.ROOT, "wrote %s (%,d bytes, sha256 %s) and %s; held-out accuracy %.2f%% on %d images%n",
        out, trained.model().length, sha, record.getFileName(), 100 * trained.heldOutAccuracy(),
        plan.heldOutPerClass() * classes);
    stdout.flush();
    return ExitCodes.OK;
  }

  static Path recordFile(Path model) {
    String name = model.getFileName().toString();
    String base = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    return model.resolveSibling(base + ".json");
  }

  private static void writeRecord(Path file, SignNetTrainer.Plan plan, List<Map<String, Object>> history,
      String sha) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("model", "SignNet");
    record.put("sha256", sha);
    record.put("generatorSeed", SignNetTrainer.GENERATOR_SEED);
    record.put("heldOutDatasetSeed", SignNetTrainer.HELD_OUT_DATASET_SEED);
    record.put("plan", plan);
    record.put("epochs", history);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), record);
  }
}
