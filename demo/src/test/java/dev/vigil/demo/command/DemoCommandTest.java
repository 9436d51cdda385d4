package dev.vigil.demo.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil demo ...} through the real command line. */
class DemoCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return DemoCli.capturing(out, err).execute(args);
  }

  @Test
  void generateWritesTheSameLabelledImagesForTheSameSeeds(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertThat(run("demo", "generate", "--out", a.toString(), "--per-class", "2", "--seed", "3"))
        .as(err.toString()).isEqualTo(0);
    assertThat(run("demo", "generate", "--out", b.toString(), "--per-class", "2", "--seed", "3"))
        .isEqualTo(0);
    List<Path> pngs;
    try (Stream<Path> files = Files.list(a)) {
      pngs = files.filter(p -> p.getFileName().toString().matches("\\d{6}-\\d{2}\\.png")).sorted().toList();
    }
    assertThat(pngs).hasSize(50);
    for (Path png : pngs) {
      assertThat(Files.readAllBytes(b.resolve(png.getFileName().toString())))
          .isEqualTo(Files.readAllBytes(png));
    }
    assertThat(Files.readAllLines(a.resolve("labels.txt"))).hasSize(25).element(14).isEqualTo("Stop");
    assertThat(Files.readAllLines(a.resolve("index.csv"))).hasSize(51);
    assertThat(a.resolve("contact-sheet.png")).isRegularFile();
    assertThat(out.toString()).contains("50 images of 25 classes");
    assertThat(err.toString()).contains("rendering [").contains("50/50");
  }

  @Test
  void badOptionsExitWithTwoAndSayWhatToDo(@TempDir Path dir) {
    assertThat(run("demo", "generate", "--out", dir.toString(), "--per-class", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--per-class must be 1..10000");
    assertThat(run("demo", "serve", "--model", dir.resolve("missing.onnx").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("does not exist");
    assertThat(run("demo", "--epsilon", "9")).isEqualTo(2);
    assertThat(err.toString()).contains("epsilon must be 1..8");
  }

  @Test
  void demoRunsTheStoryWithItsOwnStackAndPrintsWhereEverythingIs(@TempDir Path dir) throws Exception {
    Path demo = dir.resolve("demo-out");
    int code = run("demo", "--out", demo.toString(), "--baseline-requests", "100", "--clean-requests", "80",
        "--attacked", "40", "--attack-clean", "10", "--min-records", "20");

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("[1/6] starting the embedded stack").contains("[6/6]")
        .contains("attacking [").contains("40/40");
    String summary = out.toString();
    assertThat(summary).startsWith("vigil demo: done in ").contains("clean window  ").contains("no violations")
        .contains("VIOLATION class_share_exceeded Stop").contains("VIOLATION low_confidence");
    assertThat(demo.resolve("alert.eml")).isRegularFile();
    assertThat(Files.readString(demo.resolve("alert.eml"))).contains("Subject: [Vigil] traffic-signs");
    assertThat(summary).contains("email (.eml)  " + demo.resolve("alert.eml"));
    for (String line : summary.lines().filter(l -> l.matches("\\s+(pair|chart|heatmap|report.html)\\s+.*")).toList()) {
      assertThat(Path.of(line.strip().split("\\s+", 2)[1])).as(line).isRegularFile();
    }
    assertThat(summary.lines().filter(l -> l.strip().startsWith("pair "))).isNotEmpty();
  }

  @Test
  void demoRefusesAnOutFolderItCannotUseAndATakenPortInOneLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file.txt"), "x");
    assertThat(run("demo", "--out", file.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("vigil demo: --out " + file + " is a file; pass a folder");

    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    assertThat(run("demo", "--out", foreign.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("is not empty and was not written by vigil demo");
    assertThat(foreign.resolve("notes.txt")).hasContent("mine");

    assertThat(run("demo", "--out", file.resolve("sub").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("is not writable");

    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();
      assertThat(run("demo", "--out", dir.resolve("out").toString(), "--agent-port", "" + port)).isEqualTo(1);
      assertThat(err.toString()).contains("agent port " + port + " on 127.0.0.1 is already in use;"
          + " stop the other process or pass --agent-port 0");
    }
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void everyDemoCommandHasHelp() {
    assertThat(run("demo", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("--attacked").contains("--out").contains("generate");
    assertThat(run("demo", "generate", "--help")).isEqualTo(0);
    assertThat(run("demo", "serve", "--help")).isEqualTo(0);
    assertThat(run("demo", "train", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("generate").contains("serve").contains("train").contains("--per-class")
        .contains("/predict");
  }
}
