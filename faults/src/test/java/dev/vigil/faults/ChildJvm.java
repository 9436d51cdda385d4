package dev.vigil.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One shipped jar running in its own JVM, as an operator runs it, so that a test can do to it
 * what production does: {@code kill -9}, a graceful stop, a restart on the same data.
 *
 * <p>Output (stdout and stderr merged) goes to a log file, never to a pipe that a slow test could
 * leave unread and so block the child. {@link #awaitLine} polls that file.
 *
 * <p>Not thread-safe: one test thread drives a child.
 */
public final class ChildJvm implements AutoCloseable {
  /** The monitor's jar, packaged by the deploy module before this module's tests. */
  public static final Path VIGIL_JAR = repoRoot().resolve("deploy/target/vigil.jar");
  /** The sidecar's lean jar. */
  public static final Path AGENT_JAR = repoRoot().resolve("deploy/agent/target/vigil-agent.jar");

  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java jvmArgs -jar jar args} in {@code workDir}, logging to
   * {@code workDir/<name>.log} (appended, so a restarted child keeps one log).
   */
  public static ChildJvm start(String name, Path jar, Path workDir, List<String> jvmArgs,
      Map<String, String> env, String... args) throws IOException {
    check(Files.isRegularFile(jar), "%s is missing: run `mvn -B verify` from the root (the reactor packages it)", jar);
    Files.createDirectories(workDir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return new ChildJvm(name, pb.start(), log);
  }

  /** Waits until a line of the log matches {@code regex}; fails with the log's tail otherwise. */
  public String awaitLine(String regex, Duration timeout) throws IOException, InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines()) {
        if (pattern.matcher(line).find()) {
          return line;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before a line matched /"
            + regex + "/; its log ends:\n" + tail(40));
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + ": no line matched /" + regex + "/ within " + timeout + "; its log ends:\n" + tail(40));
  }

  /** The lines logged so far. */
  public List<String> lines() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }

  /** The last {@code n} lines, for failure messages. */
  public String tail(int n) throws IOException {
    List<String> lines = lines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. Returns once the process is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    check(process.waitFor(30, TimeUnit.SECONDS), "%s did not die within 30 s of SIGKILL", name);
  }

  /** SIGTERM and wait: the shutdown hooks run. Returns the exit code. */
  public int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }

  private static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(format, args));
    }
  }

  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("deploy/pom.xml"))) {
      dir = dir.getParent();
    }
    check(dir != null, "run from inside the Vigil checkout (no deploy/pom.xml above %s)", Path.of("").toAbsolutePath());
    return dir;
  }
}
